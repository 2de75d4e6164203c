/**
 * The dense form of a folded group, for the `dense` export: original shapes, same function as the
 * folded model. Every member of a cluster takes the cluster's (folded) producer slices, so all
 * members compute the merged activation; each member's consumer slice is the folded (summed) slice
 * divided by the cluster size, so the n_c copies together contribute exactly the folded sum.
 */
import type { FoldGroup, GroupTensors, Merger, MergeOptions } from '@speechfold/core';
import { injectable } from 'tsyringe';
import { clusterMembers } from './labels';
import { mergeUnits } from './merger';
import { mapGroupSlices, recombineUnits, type UnitCombination } from './slices';

/**
 * The group's tensors in their original shapes, computing what mergeUnits(group, original, labels,
 * k, options) computes (Fold-AR included when asked).
 */
export function denseEquivalent(
  group: FoldGroup,
  original: GroupTensors,
  labels: ArrayLike<number>,
  k: number,
  options: MergeOptions = {},
): GroupTensors {
  const folded = mergeUnits(group, original, labels, k, options);
  const members = clusterMembers(group, labels, k);
  const producerCombos: UnitCombination[] = [];
  const consumerCombos: UnitCombination[] = [];
  for (let unit = 0; unit < group.units; unit++) {
    const c = labels[unit];
    producerCombos.push([{ unit: c, weight: 1 }]);
    consumerCombos.push([{ unit: c, weight: 1 / members[c].length }]);
  }
  // The folded tensors hold K units per slice; expand them back to N.
  return mapGroupSlices(group, folded, (tensor, slice, role) =>
    recombineUnits(tensor, slice, k, role === 'producer' ? producerCombos : consumerCombos),
  );
}

/** A Merger ('dense') that folds without shrinking: denseEquivalent. */
@injectable()
export class DenseFoldingMerger implements Merger {
  readonly name = 'dense';

  merge(group: FoldGroup, tensors: GroupTensors, labels: Int32Array, k: number, options?: MergeOptions): GroupTensors {
    return denseEquivalent(group, tensors, labels, k, options);
  }
}
