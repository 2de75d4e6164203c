/**
 * The global budget every policy answers to, and the bookkeeping they share.
 *
 * Targeted parameters: T = sum over groups of n_g * p_g (units times parameters per unit). A target
 * sparsity s asks to remove s * T of them. K is an integer per group, so a policy "meets the budget"
 * when |removed - s * T| <= max_g p_g: within one unit of the largest group.
 *
 * Every policy works in two steps: a real-valued keep x_g per group (what its rule wants), then
 * `fitKeep`, the integer fix-up, which rounds and moves single units until the total holds.
 */
import { MethodError, OptionError, type Allocation, type GroupBudgetInput, type PolicyBounds } from '@speechfold/core';

/** One group as the budget sees it: its size, its unit cost in parameters and its K bounds. */
export interface GroupLimit {
  name: string;
  /** Units N. */
  n: number;
  /** Parameters per unit. */
  p: number;
  /** Least K: max(1, ceil(minKeep * n)). */
  lo: number;
  /** Most K: floor(maxKeep * n). */
  hi: number;
}

/** The achieved global numbers of an allocation. */
export interface BudgetSummary {
  /** Targeted parameters T. */
  targeted: number;
  /** Parameters removed: sum of (n_g - k_g) * p_g. */
  removed: number;
  /** removed / targeted. */
  sparsity: number;
  /** How far `removed` may be from s * T and still meet the budget: max_g p_g. */
  tolerance: number;
}

// Slack for float noise when comparing a target with the feasible range (relative to T).
const FEASIBLE_EPS = 1e-12;

/** Throws OptionError naming `--sparsity` unless s is a number in [0, 1). */
export function checkSparsity(sparsity: number): void {
  if (typeof sparsity !== 'number' || !Number.isFinite(sparsity) || sparsity < 0 || sparsity >= 1) {
    throw new OptionError('--sparsity', `must be a number in [0, 1), got ${String(sparsity)}`);
  }
}

/** Validates bounds and fills the defaults: minKeep 0 (one unit), maxKeep 1. */
export function resolveBounds(bounds: PolicyBounds = {}): Required<PolicyBounds> {
  const minKeep = bounds.minKeep ?? 0;
  const maxKeep = bounds.maxKeep ?? 1;
  if (!Number.isFinite(minKeep) || minKeep < 0 || minKeep > 1) {
    throw new OptionError('minKeep', `must be a number in [0, 1], got ${String(minKeep)}`);
  }
  if (!Number.isFinite(maxKeep) || maxKeep <= 0 || maxKeep > 1) {
    throw new OptionError('maxKeep', `must be a number in (0, 1], got ${String(maxKeep)}`);
  }
  if (minKeep > maxKeep) {
    throw new OptionError('minKeep', `${minKeep} is above maxKeep ${maxKeep}`);
  }
  return { minKeep, maxKeep };
}

/** Per-group sizes and K bounds; throws MethodError on malformed groups, OptionError on empty bounds. */
export function groupLimits(groups: readonly GroupBudgetInput[], bounds?: PolicyBounds): GroupLimit[] {
  const { minKeep, maxKeep } = resolveBounds(bounds);
  const seen = new Set<string>();
  return groups.map(({ group, parametersPerUnit: p }) => {
    const n = group.units;
    if (seen.has(group.name)) throw new MethodError({ group: group.name }, 'group name appears twice in the budget');
    seen.add(group.name);
    if (!Number.isInteger(n) || n < 1) {
      throw new MethodError({ group: group.name }, `units must be an integer >= 1, got ${String(n)}`);
    }
    if (typeof p !== 'number' || !Number.isFinite(p) || p <= 0) {
      throw new MethodError({ group: group.name }, `parametersPerUnit must be a positive number, got ${String(p)}`);
    }
    const lo = Math.max(1, Math.ceil(minKeep * n));
    const hi = Math.min(n, Math.floor(maxKeep * n));
    if (lo > hi) {
      throw new OptionError(
        'maxKeep',
        `group '${group.name}' has ${n} units: no K fits both minKeep ${minKeep} (K >= ${lo}) ` +
          `and maxKeep ${maxKeep} (K <= ${hi})`,
      );
    }
    return { name: group.name, n, p, lo, hi };
  });
}

/** Targeted parameters T = sum of n_g * p_g. */
export function targetedParameters(limits: readonly GroupLimit[]): number {
  let total = 0;
  for (const l of limits) total += l.n * l.p;
  return total;
}

/** The budget tolerance: max_g p_g (0 when there are no groups). */
export function budgetTolerance(limits: readonly GroupLimit[]): number {
  let most = 0;
  for (const l of limits) most = Math.max(most, l.p);
  return most;
}

/** Parameters removed when group g keeps keep[g] units (real or integer keeps). */
export function removedParameters(limits: readonly GroupLimit[], keep: readonly number[]): number {
  let removed = 0;
  limits.forEach((l, g) => {
    removed += (l.n - keep[g]) * l.p;
  });
  return removed;
}

/** The sparsity range the bounds allow: [removed with every K at hi, removed with every K at lo] / T. */
export function feasibleRange(limits: readonly GroupLimit[]): [number, number] {
  const total = targetedParameters(limits);
  if (total === 0) return [0, 0];
  const least = removedParameters(limits, limits.map((l) => l.hi));
  const most = removedParameters(limits, limits.map((l) => l.lo));
  return [least / total, most / total];
}

/** Throws OptionError naming `--sparsity` and the feasible range when the bounds cannot reach s. */
export function checkFeasible(limits: readonly GroupLimit[], sparsity: number): void {
  checkSparsity(sparsity);
  if (limits.length === 0) return;
  const [least, most] = feasibleRange(limits);
  if (sparsity < least - FEASIBLE_EPS || sparsity > most + FEASIBLE_EPS) {
    // Round the printed range inwards so that every value it shows is really feasible.
    const low = Math.ceil(least * 1e4) / 1e4;
    const high = Math.floor(most * 1e4) / 1e4;
    // minKeep / maxKeep are API options (PolicyBounds); from the CLI only the one-unit floor applies.
    const custom = limits.some((l) => l.lo > 1);
    throw new OptionError(
      '--sparsity',
      `target ${sparsity} cannot be met: ` +
        (sparsity > most
          ? `every group keeps at least one unit${custom ? ' (and the policy bound minKeep)' : ''}`
          : 'the policy bound maxKeep keeps too many units') +
        `; the feasible range is [${low}, ${high}]`,
    );
  }
}

/** Real-valued keep of a group at sparsity s, clamped to its K bounds. */
export function keepAt(limit: GroupLimit, sparsity: number): number {
  return Math.min(limit.hi, Math.max(limit.lo, limit.n * (1 - sparsity)));
}

/**
 * Real-valued keeps for group sparsities s_g = scale * weight_g (clamped by the bounds), with the one
 * scale found by bisection so that the removed parameters equal `target`. Removed parameters grow
 * monotonically with the scale, so bisection is exact up to float resolution. When even the largest
 * useful scale removes too little (some weights are 0), returns that scale's keeps: the fix-up takes
 * the rest. Returns the keeps and the scale.
 */
export function solveScale(
  limits: readonly GroupLimit[],
  weights: readonly number[],
  target: number,
): { keep: number[]; scale: number } {
  const keepFor = (scale: number): number[] => limits.map((l, g) => keepAt(l, scale * weights[g]));
  const removedFor = (scale: number): number => removedParameters(limits, keepFor(scale));
  // Past this scale every group with a positive weight sits at its least K: nothing more to gain.
  let top = 0;
  limits.forEach((l, g) => {
    if (weights[g] > 0) top = Math.max(top, (1 - l.lo / l.n) / weights[g]);
  });
  if (removedFor(top) <= target) return { keep: keepFor(top), scale: top };
  if (removedFor(0) >= target) return { keep: keepFor(0), scale: 0 };
  let low = 0;
  let high = top;
  // A fixed iteration cap keeps the result deterministic; 200 halvings exhaust double precision.
  for (let i = 0; i < 200; i++) {
    const mid = (low + high) / 2;
    if (mid <= low || mid >= high) break;
    if (removedFor(mid) < target) low = mid;
    else high = mid;
  }
  const scale = Math.abs(removedFor(low) - target) <= Math.abs(removedFor(high) - target) ? low : high;
  return { keep: keepFor(scale), scale };
}

/**
 * Integer fix-up: rounds each real keep x_g, then moves one unit at a time until the removed
 * parameters are as close to `target` as single-unit moves can bring them, never leaving [lo, hi].
 *
 * Which group gives or takes the unit: the one whose rounding error (k_g - x_g, in units) is largest
 * in the needed direction, i.e. the group that rounding favoured most pays first (the largest
 * remainder method). Ties go to the earlier group, so the result is deterministic.
 *
 * Phase 1 moves units while the miss exceeds the tolerance (max_g p_g); it can always do so when the
 * target is feasible, because a group with a unit to give or take exists whenever the miss is larger
 * than any unit. Phase 2 only moves units against their rounding error (so each group stays within
 * one unit of x_g when the x_g already meet the target) and only when the move brings the total
 * closer.
 */
export function fitKeep(limits: readonly GroupLimit[], keep: readonly number[], target: number): number[] {
  const k = limits.map((l, g) => Math.min(l.hi, Math.max(l.lo, Math.round(keep[g]))));
  const tolerance = budgetTolerance(limits);
  // miss > 0: too few parameters removed, some group must drop a unit; miss < 0: one must keep one more.
  let miss = target - removedParameters(limits, k);
  for (;;) {
    const needRemove = miss > 0;
    const strict = Math.abs(miss) <= tolerance;
    let best = -1;
    let bestError = -Infinity;
    limits.forEach((l, g) => {
      // A move must reduce |miss|: |miss - p| < |miss| holds exactly when p < 2 |miss|.
      if (!(l.p < 2 * Math.abs(miss))) return;
      if (needRemove ? k[g] <= l.lo : k[g] >= l.hi) return;
      // Rounding error in the direction of the move: positive when rounding favoured this group.
      const error = needRemove ? k[g] - keep[g] : keep[g] - k[g];
      if (strict && error <= 0) return;
      if (error > bestError) {
        best = g;
        bestError = error;
      }
    });
    if (best < 0) return k;
    if (needRemove) {
      k[best] -= 1;
      miss -= limits[best].p;
    } else {
      k[best] += 1;
      miss += limits[best].p;
    }
  }
}

/** Builds the Allocation list, adding each group's achieved sparsity to its detail. */
export function toAllocations(
  limits: readonly GroupLimit[],
  k: readonly number[],
  details: ReadonlyArray<Record<string, number>> = [],
): Allocation[] {
  return limits.map((l, g) => ({
    group: l.name,
    n: l.n,
    k: k[g],
    detail: { ...(details[g] ?? {}), sparsity: 1 - k[g] / l.n },
  }));
}

/** The achieved global sparsity of an allocation over the same groups (matched by name). */
export function summarizeAllocation(groups: readonly GroupBudgetInput[], allocations: readonly Allocation[]): BudgetSummary {
  const kByName = new Map(allocations.map((a) => [a.group, a.k]));
  let targeted = 0;
  let removed = 0;
  let tolerance = 0;
  for (const { group, parametersPerUnit: p } of groups) {
    const k = kByName.get(group.name);
    if (k === undefined) throw new MethodError({ group: group.name }, 'the allocation has no K for this group');
    targeted += group.units * p;
    removed += (group.units - k) * p;
    tolerance = Math.max(tolerance, p);
  }
  return { targeted, removed, sparsity: targeted === 0 ? 0 : removed / targeted, tolerance };
}
