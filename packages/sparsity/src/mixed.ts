/**
 * mixed: the paper's "layer-level varying number of clusters". The paper does not publish its rule;
 * this one is ours (docs/sparsity.md explains it):
 *
 *   1. K_u = the uniform allocation at the target; measure c_g = cost_g(K_u[g]), the group's
 *      normalised k-means distortion at that K (inertia / total feature energy, from the caller).
 *   2. c̄ = the parameter-weighted mean cost, sum(n_g p_g c_g) / sum(n_g p_g).
 *   3. s_g = clamp(λ (c̄ / c_g)^α, bounds), λ found by bisection so the global budget holds.
 *   4. integer fix-up.
 *
 * Groups that fold cheaply lose more units, groups that fold expensively keep more. With α = 1 the
 * product s_g c_g is the same in every unclamped group. c_g = 0 (perfectly foldable) takes the most
 * sparsity its bounds allow before any costly group gives a unit; equal costs reduce to uniform.
 */
import { MethodError, token, type Allocation, type GroupBudgetInput, type PolicyBounds, type SparsityPolicy } from '@speechfold/core';
import { inject, injectable } from 'tsyringe';
import {
  checkFeasible,
  fitKeep,
  groupLimits,
  removedParameters,
  solveScale,
  targetedParameters,
  toAllocations,
  type GroupLimit,
} from './budget';
import { asOptionsObject, readNumber, rejectUnknownKeys } from './options';
import { uniformK } from './uniform';

/** Options of the mixed policy. */
export interface MixedOptions {
  /** Exponent on the inverse cost ratio, in [0, 8] (default 1; 0 gives uniform). */
  alpha?: number;
}

/** Injection token of the mixed policy's options (optional: the defaults apply without it). */
export const MIXED_OPTIONS = token<MixedOptions>('speechfold.sparsity.MixedOptions');

// Costs closer than this (relative to the mean) count as equal, so float noise cannot break
// "equal costs give uniform".
const EQUAL_COST_TOLERANCE = 1e-12;

// A group whose cost is at most this fraction of the mean cost counts as perfectly foldable.
const ZERO_COST = 1e-12;

/** Validates mixed options and fills the defaults, or throws OptionError naming the key. */
export function parseMixedOptions(raw: unknown): Required<MixedOptions> {
  const options = asOptionsObject(raw, 'mixed');
  rejectUnknownKeys(options, ['alpha'], 'mixed');
  return { alpha: readNumber(options, 'alpha', 1, 0, 8, 'mixed') };
}

/** Calls each group's cost at its trial K, in group order; throws MethodError on a missing or bad cost. */
export async function measureCosts(groups: readonly GroupBudgetInput[], trialK: readonly number[]): Promise<number[]> {
  const costs: number[] = [];
  // One at a time: each call runs a clustering, and running them all at once would hold every
  // group's features in memory together.
  for (let g = 0; g < groups.length; g++) {
    const { group, cost } = groups[g];
    if (cost === undefined) throw new MethodError({ group: group.name }, "the mixed policy needs the group's cost function");
    const c = await cost(trialK[g]);
    if (typeof c !== 'number' || !Number.isFinite(c) || c < 0) {
      throw new MethodError({ group: group.name }, `cost at K=${trialK[g]} must be a finite number >= 0, got ${String(c)}`);
    }
    costs.push(c);
  }
  return costs;
}

/** The parameter-weighted mean cost: sum(n_g p_g c_g) / sum(n_g p_g). */
export function meanCost(limits: readonly GroupLimit[], costs: readonly number[]): number {
  let weighted = 0;
  limits.forEach((l, g) => {
    weighted += l.n * l.p * costs[g];
  });
  return weighted / targetedParameters(limits);
}

/**
 * Real-valued keeps of the mixed rule at a removal target (costs not all equal, so c̄ > 0).
 * Zero-cost groups (cost <= 1e-12 c̄) are served first: if they alone can carry the target they
 * share it at one common sparsity and every costly group keeps its most units; otherwise they sit at
 * their least K and the costly groups share the rest by s_g = λ (c̄ / c_g)^α.
 */
export function mixedKeep(limits: readonly GroupLimit[], costs: readonly number[], alpha: number, target: number): number[] {
  const mean = meanCost(limits, costs);
  // A cost this far below the mean is float noise on a perfect fold: treat it as 0.
  const free = costs.map((c) => c <= ZERO_COST * mean);
  // What the zero-cost groups remove at their least K while every costly group keeps its most.
  const freeCapacity = removedParameters(limits, limits.map((l, g) => (free[g] ? l.lo : l.hi)));
  if (free.some((f) => f) && freeCapacity >= target) {
    // They carry the target alone: weight 1 for them, 0 (most units) for every costly group.
    return solveScale(limits, free.map((f) => (f ? 1 : 0)), target).keep;
  }
  // Pin the zero-cost groups at their least K; the others get weight (c̄ / c_g)^α. Costs are at
  // least ZERO_COST c̄ here, so with α <= 8 a weight stays below 1e96: no overflow.
  const pinned = limits.map((l, g) => (free[g] ? { ...l, hi: l.lo } : l));
  const weights = costs.map((c, g) => (free[g] ? 0 : Math.pow(mean / c, alpha)));
  return solveScale(pinned, weights, target).keep;
}

/** Cost-driven allocation: cheap-to-fold groups give more units. Calls every group's cost once. */
@injectable()
export class MixedPolicy implements SparsityPolicy {
  readonly name = 'mixed';
  readonly needsCost = true;
  readonly options: Required<MixedOptions>;

  constructor(@inject(MIXED_OPTIONS, { isOptional: true }) options: MixedOptions = {}) {
    this.options = parseMixedOptions(options);
  }

  async allocate(groups: GroupBudgetInput[], sparsity: number, bounds?: PolicyBounds): Promise<Allocation[]> {
    const limits = groupLimits(groups, bounds);
    // Check before measuring: each cost is a clustering, not worth running for an impossible target.
    checkFeasible(limits, sparsity);
    const trialK = uniformK(limits, sparsity);
    const costs = await measureCosts(groups, trialK);
    const target = sparsity * targetedParameters(limits);
    const mean = limits.length === 0 ? 0 : meanCost(limits, costs);
    const equal = costs.every((c) => Math.abs(c - mean) <= EQUAL_COST_TOLERANCE * mean);
    // Equal costs (all zero included) carry no preference: the rule is exactly uniform then.
    const k = equal ? trialK : fitKeep(limits, mixedKeep(limits, costs, this.options.alpha, target), target);
    const removed = removedParameters(limits, k);
    return toAllocations(
      limits,
      k,
      limits.map((l, g) => ({ cost: costs[g], share: removed === 0 ? 0 : ((l.n - k[g]) * l.p) / removed })),
    );
  }
}
