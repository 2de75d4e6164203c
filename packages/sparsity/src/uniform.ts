/**
 * uniform: the same sparsity in every group (the paper's main setting). k_g = round((1 - s) n_g)
 * (METHOD.md §2), so groups of equal size keep equal widths and a stock HF config can express the
 * result; the budget then holds within half a unit per group. Only when a bound clamps some group
 * does the integer fix-up spread the remainder (within one unit of the largest group).
 */
import type { Allocation, GroupBudgetInput, PolicyBounds, SparsityPolicy } from '@speechfold/core';
import { injectable } from 'tsyringe';
import { checkFeasible, fitKeep, groupLimits, solveScale, targetedParameters, toAllocations, type GroupLimit } from './budget';

/**
 * Real-valued keeps of the uniform rule: (1 - s) n_g in every group. When a bound clamps some group,
 * the others share what it cannot give at one common sparsity (found by bisection), so the rule stays
 * "the same s wherever the bounds allow".
 */
export function uniformKeep(limits: readonly GroupLimit[], sparsity: number): number[] {
  const direct = limits.map((l) => l.n * (1 - sparsity));
  if (direct.every((x, g) => x >= limits[g].lo && x <= limits[g].hi)) return direct;
  const target = sparsity * targetedParameters(limits);
  return solveScale(limits, limits.map(() => 1), target).keep;
}

/**
 * Integer K per group of the uniform rule: round((1 - s) n_g) where no bound clamps (within half a
 * unit per group of the budget), else the fix-up (within one unit of the largest group).
 */
export function uniformK(limits: readonly GroupLimit[], sparsity: number): number[] {
  const keep = uniformKeep(limits, sparsity);
  const clamped = keep.some((x, g) => x !== limits[g].n * (1 - sparsity));
  if (clamped) return fitKeep(limits, keep, sparsity * targetedParameters(limits));
  return keep.map((x, g) => Math.min(limits[g].hi, Math.max(limits[g].lo, Math.round(x))));
}

/** The same sparsity everywhere; no options. */
@injectable()
export class UniformPolicy implements SparsityPolicy {
  readonly name = 'uniform';
  readonly needsCost = false;

  async allocate(groups: GroupBudgetInput[], sparsity: number, bounds?: PolicyBounds): Promise<Allocation[]> {
    const limits = groupLimits(groups, bounds);
    checkFeasible(limits, sparsity);
    const keep = uniformKeep(limits, sparsity);
    const k = uniformK(limits, sparsity);
    return toAllocations(limits, k, keep.map((x, g) => ({ target: 1 - x / limits[g].n })));
  }
}
