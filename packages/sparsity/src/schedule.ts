/**
 * schedule: sparsity as a function of depth. Each group's layer is placed at t in [0, 1] within its
 * stack (first layer 0, last 1), the shape gives a profile value from `from` (t = 0) to `to` (t = 1),
 * and one multiplier, found by bisection, scales every profile value so the global budget holds
 * (each group clamped to its bounds). The integer fix-up then rounds.
 *
 * So `from` and `to` fix the shape of the ramp, not its level: only their ratio matters unless a
 * bound clamps. The defaults (0.25 -> 0.75, linear) make the last layer of each stack three times as
 * sparse as the first; set from > to to prune shallow layers more.
 */
import { OptionError, token, type Allocation, type FoldGroup, type GroupBudgetInput, type PolicyBounds, type SparsityPolicy } from '@speechfold/core';
import { inject, injectable } from 'tsyringe';
import { checkFeasible, fitKeep, groupLimits, solveScale, targetedParameters, toAllocations } from './budget';
import { asOptionsObject, POLICY_FILE_OPTION, readNumber, rejectUnknownKeys } from './options';

/** The depth profiles the schedule knows. */
export type ScheduleShape = 'linear' | 'cosine';

/** Options of the schedule policy. */
export interface ScheduleOptions {
  /** Profile value at the first layer of each stack, in [0, 1] (default 0.25). */
  from?: number;
  /** Profile value at the last layer of each stack, in [0, 1] (default 0.75). */
  to?: number;
  /** linear: straight ramp; cosine: half-cosine ease, flat at both ends (default linear). */
  shape?: ScheduleShape;
}

/** Injection token of the schedule policy's options (optional: the defaults apply without it). */
export const SCHEDULE_OPTIONS = token<ScheduleOptions>('speechfold.sparsity.ScheduleOptions');

const SHAPES: readonly ScheduleShape[] = ['linear', 'cosine'];

/** Validates schedule options and fills the defaults, or throws OptionError naming the key. */
export function parseScheduleOptions(raw: unknown): Required<ScheduleOptions> {
  const options = asOptionsObject(raw, 'schedule');
  rejectUnknownKeys(options, ['from', 'to', 'shape'], 'schedule');
  const from = readNumber(options, 'from', 0.25, 0, 1, 'schedule');
  const to = readNumber(options, 'to', 0.75, 0, 1, 'schedule');
  const shape = options.shape ?? 'linear';
  if (!SHAPES.includes(shape as ScheduleShape)) {
    throw new OptionError(
      POLICY_FILE_OPTION,
      `option 'shape' of policy 'schedule' must be one of ${SHAPES.join(', ')}, got ${JSON.stringify(shape)}`,
    );
  }
  // An all-zero profile cannot be scaled to any positive budget.
  if (from === 0 && to === 0) {
    throw new OptionError(POLICY_FILE_OPTION, "options 'from' and 'to' of policy 'schedule' cannot both be 0");
  }
  return { from, to, shape: shape as ScheduleShape };
}

/**
 * Depth position t in [0, 1] of each group within its stack: (layer - first) / (last - first) over
 * the layers of that stack present in `groups`. A stack with a single layer sits at 0.5, the middle
 * of the ramp, since it has no depth to order.
 */
export function depthPositions(groups: readonly FoldGroup[]): number[] {
  const span = new Map<string, { first: number; last: number }>();
  for (const g of groups) {
    const s = span.get(g.stack);
    if (s === undefined) span.set(g.stack, { first: g.layer, last: g.layer });
    else span.set(g.stack, { first: Math.min(s.first, g.layer), last: Math.max(s.last, g.layer) });
  }
  return groups.map((g) => {
    const { first, last } = span.get(g.stack)!;
    return last === first ? 0.5 : (g.layer - first) / (last - first);
  });
}

/** The profile value at depth t: from at t = 0, to at t = 1. */
export function profileAt(options: Required<ScheduleOptions>, t: number): number {
  const ease = options.shape === 'cosine' ? (1 - Math.cos(Math.PI * t)) / 2 : t;
  return options.from + (options.to - options.from) * ease;
}

/** Sparsity rising (or falling) with depth, scaled to the global budget. */
@injectable()
export class SchedulePolicy implements SparsityPolicy {
  readonly name = 'schedule';
  readonly needsCost = false;
  readonly options: Required<ScheduleOptions>;

  constructor(@inject(SCHEDULE_OPTIONS, { isOptional: true }) options: ScheduleOptions = {}) {
    this.options = parseScheduleOptions(options);
  }

  async allocate(groups: GroupBudgetInput[], sparsity: number, bounds?: PolicyBounds): Promise<Allocation[]> {
    const limits = groupLimits(groups, bounds);
    checkFeasible(limits, sparsity);
    const depth = depthPositions(groups.map((g) => g.group));
    const profile = depth.map((t) => profileAt(this.options, t));
    const target = sparsity * targetedParameters(limits);
    // A group whose profile is 0 (from = 0 at the first layer) is never scaled; if the others cannot
    // carry the budget alone, the fix-up takes the remaining units from it.
    const { keep } = solveScale(limits, profile, target);
    const k = fitKeep(limits, keep, target);
    return toAllocations(
      limits,
      k,
      keep.map((x, g) => ({ depth: depth[g], profile: profile[g], target: 1 - x / limits[g].n })),
    );
  }
}
