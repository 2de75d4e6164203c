/**
 * Structured magnitude pruning for the `dense` export: the same K units as MagnitudePruner survive,
 * but pruned units are zeroed in place (producers and consumers) instead of deleted, so stock
 * loaders run the result at the original shapes. It computes exactly what MagnitudePruner's output does.
 */
import type { FoldGroup, GroupTensors, Pruner } from '@speechfold/core';
import { inject, injectable } from 'tsyringe';
import { checkK } from './labels';
import {
  MAGNITUDE_OPTIONS,
  magnitudeNorm,
  topUnits,
  unitMagnitudes,
  type MagnitudeNorm,
  type MagnitudeOptions,
} from './magnitude';
import { checkSlices, mapGroupSlices, recombineUnits } from './slices';

/** The group's tensors with every unit outside `keep` set to zero; shapes unchanged. */
export function zeroUnits(group: FoldGroup, tensors: GroupTensors, keep: readonly number[]): GroupTensors {
  checkSlices(group, tensors);
  const kept = new Set(keep);
  const combos = Array.from({ length: group.units }, (_, unit) => (kept.has(unit) ? [{ unit, weight: 1 }] : []));
  return mapGroupSlices(group, tensors, (tensor, slice) => recombineUnits(tensor, slice, group.units, combos));
}

/** 'magnitude' for dense exports: keeps the K units of largest producer norm, zeroes the rest. */
@injectable()
export class ZeroingMagnitudePruner implements Pruner {
  readonly name = 'magnitude-dense';
  // Shapes are kept, like the unstructured pruner: the pipeline then reports no bytes saved.
  readonly structured = false;
  readonly norm: MagnitudeNorm;

  constructor(@inject(MAGNITUDE_OPTIONS, { isOptional: true }) options?: MagnitudeOptions) {
    this.norm = magnitudeNorm(options);
  }

  prune(group: FoldGroup, tensors: GroupTensors, k: number): GroupTensors {
    checkK(group, k);
    return zeroUnits(group, tensors, topUnits(unitMagnitudes(group, tensors, this.norm), k));
  }
}
