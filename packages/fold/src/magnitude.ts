/**
 * Structured magnitude pruning, the baseline (METHOD.md §4), as a scorer and an action: the
 * MagnitudeScorer scores each unit by the norm of its producer weight slices (biases excluded); the
 * StructuredPruner keeps the K best units of any UnitScorer and deletes the others from producers and
 * consumers (the `dense` export zeroes them instead). Same groups and same K as folding, so the two
 * are compared at equal size.
 */
import {
  MethodError,
  OptionError,
  token,
  TOKENS,
  type FoldGroup,
  type GroupTensors,
  type PruneResult,
  type Pruner,
  type UnitScorer,
  type UnitSlice,
} from '@speechfold/core';
import { inject, injectable } from 'tsyringe';
import { checkK } from './labels';
import { checkSlices, mapGroupSlices, readUnit, recombineUnits, tensorOf, unitWidth } from './slices';

/** Norm that scores a unit: 'l2' (default) or 'l1'. */
export type MagnitudeNorm = 'l2' | 'l1';

/** Options of MagnitudeScorer. */
export interface MagnitudeOptions {
  norm?: MagnitudeNorm;
}

/** Token under which MagnitudeOptions may be registered; unregistered means the defaults. */
export const MAGNITUDE_OPTIONS = token<MagnitudeOptions>('speechfold.MagnitudeOptions');

/** The norm `options` ask for, 'l2' when unset; OptionError (option 'norm') for anything else. */
export function magnitudeNorm(options?: MagnitudeOptions): MagnitudeNorm {
  const norm = options?.norm ?? 'l2';
  if (norm !== 'l2' && norm !== 'l1') throw new OptionError('norm', `expected 'l2' or 'l1', got '${String(norm)}'`);
  return norm;
}

/**
 * The producer slices that hold weights: biases (slices of 1-D tensors) are left out of the score,
 * as METHOD.md §4 says. Whisper's FFN biases (about -1.75) dwarf its fc1 row norms (about 0.54), so
 * scoring them too kept the rarely active units and pruned the most active ones.
 */
export function weightSlices(group: FoldGroup, tensors: GroupTensors): UnitSlice[] {
  return group.producers.filter((s) => tensorOf(group, tensors, s.tensor).shape.length > 1);
}

/** The norm of each unit's producer weight slices (biases excluded), in fp64. */
export function unitMagnitudes(group: FoldGroup, tensors: GroupTensors, norm: MagnitudeNorm = 'l2'): Float64Array {
  checkSlices(group, tensors);
  const slices = weightSlices(group, tensors);
  if (slices.length === 0) {
    throw new MethodError({ group: group.name }, 'expected a producer weight slice (a tensor of rank 2 or more) to score units by, found only biases');
  }
  const widths = slices.map((s) => unitWidth(tensorOf(group, tensors, s.tensor).shape, s));
  const row = new Float64Array(widths.reduce((a, b) => a + b, 0));
  const scores = new Float64Array(group.units);
  for (let unit = 0; unit < group.units; unit++) {
    let offset = 0;
    for (const slice of slices) offset += readUnit(tensorOf(group, tensors, slice.tensor), slice, unit, row, offset);
    let score = 0;
    if (norm === 'l1') {
      for (const v of row) score += Math.abs(v);
    } else {
      for (const v of row) score += v * v;
      score = Math.sqrt(score);
    }
    // NaN would make the ranking meaningless without any sign of it.
    if (!Number.isFinite(score)) {
      throw new MethodError({ group: group.name }, `expected finite producer weights, found score ${score} for unit ${unit}`);
    }
    scores[unit] = score;
  }
  return scores;
}

/** The k units with the highest scores (ties: lower index first), in ascending unit order. */
export function topUnits(scores: ArrayLike<number>, k: number): number[] {
  const order = Array.from({ length: scores.length }, (_, i) => i);
  order.sort((a, b) => scores[b] - scores[a] || a - b);
  return order.slice(0, k).sort((a, b) => a - b);
}

/** The group's tensors with only the `keep` units (in the given order), from producers and consumers. */
export function keepUnits(group: FoldGroup, tensors: GroupTensors, keep: readonly number[]): GroupTensors {
  checkSlices(group, tensors);
  const combos = keep.map((unit) => [{ unit, weight: 1 }]);
  return mapGroupSlices(group, tensors, (tensor, slice) => recombineUnits(tensor, slice, group.units, combos));
}

/** Structured magnitude pruning as one function: the K units of largest producer norm, the others deleted. */
export function magnitudePrune(group: FoldGroup, tensors: GroupTensors, k: number, norm: MagnitudeNorm = 'l2'): GroupTensors {
  checkK(group, k);
  return keepUnits(group, tensors, topUnits(unitMagnitudes(group, tensors, norm), k));
}

/** Scores units by the L2 (default) or L1 norm of their producer weight slices ('magnitude-l2' / 'magnitude-l1'). */
@injectable()
export class MagnitudeScorer implements UnitScorer {
  readonly norm: MagnitudeNorm;
  readonly name: string;

  constructor(@inject(MAGNITUDE_OPTIONS, { isOptional: true }) options?: MagnitudeOptions) {
    this.norm = magnitudeNorm(options);
    this.name = `magnitude-${this.norm}`;
  }

  score(group: FoldGroup, tensors: GroupTensors): Float64Array {
    return unitMagnitudes(group, tensors, this.norm);
  }
}

/** Where each unit goes when only `keep` (ascending) stays: its index among them, or -1. */
export function keptAssignment(units: number, keep: readonly number[]): Int32Array {
  const assignment = new Int32Array(units).fill(-1);
  keep.forEach((unit, index) => (assignment[unit] = index));
  return assignment;
}

/** Structured pruning ('remove'): keeps the K units the UnitScorer ranks highest, deletes the rest. */
@injectable()
export class StructuredPruner implements Pruner {
  readonly name = 'remove';
  readonly structured = true;

  constructor(@inject(TOKENS.UnitScorer) private readonly scorer: UnitScorer) {}

  prune(group: FoldGroup, tensors: GroupTensors, k: number): PruneResult {
    checkK(group, k);
    const scores = this.scorer.score(group, tensors);
    if (scores.length !== group.units) {
      throw new MethodError({ group: group.name }, `scorer '${this.scorer.name}' gave ${scores.length} scores for ${group.units} units`);
    }
    const keep = topUnits(scores, k);
    return { tensors: keepUnits(group, tensors, keep), assignment: keptAssignment(group.units, keep) };
  }
}
