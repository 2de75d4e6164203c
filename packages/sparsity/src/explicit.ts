/**
 * explicit: a per-group sparsity table given by the user. The table is the budget: the global
 * sparsity is whatever it implies (see `impliedSparsity`), nothing is rescaled.
 *
 * Keys, most specific first (the first form that matches a group wins):
 *   - a group name, e.g. "encoder.layers.3.ffn";
 *   - "<stack>.<layer>", e.g. "encoder.3": every group of that layer of that stack;
 *   - "<layer>", e.g. "3": every group whose layer index is 3, in any stack;
 *   - "default": every group no other key covers.
 * A key that matches no group is an error (a typo would otherwise silently do nothing), and so is a
 * group no key covers when there is no "default".
 */
import { OptionError, token, type Allocation, type FoldGroup, type GroupBudgetInput, type PolicyBounds, type SparsityPolicy } from '@speechfold/core';
import { inject, injectable } from 'tsyringe';
import { fitKeep, groupLimits, keepAt, removedParameters, targetedParameters, toAllocations, type GroupLimit } from './budget';
import { asOptionsObject, POLICY_FILE_OPTION, rejectUnknownKeys } from './options';

/** Options of the explicit policy. */
export interface ExplicitOptions {
  /** Sparsity (in [0, 1)) by group name, "stack.layer", layer index or "default". */
  table?: Record<string, number>;
}

/** Injection token of the explicit policy's options (optional: without it the table is empty). */
export const EXPLICIT_OPTIONS = token<ExplicitOptions>('speechfold.sparsity.ExplicitOptions');

/** The key that covers every group no other key names. */
export const DEFAULT_KEY = 'default';

/** Validates explicit options and returns the table as a map, or throws OptionError naming the key. */
export function parseExplicitOptions(raw: unknown): Map<string, number> {
  const options = asOptionsObject(raw, 'explicit');
  rejectUnknownKeys(options, ['table'], 'explicit');
  const table = asOptionsObject(options.table, 'explicit');
  const entries = new Map<string, number>();
  for (const [key, value] of Object.entries(table)) {
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value >= 1) {
      throw new OptionError(
        POLICY_FILE_OPTION,
        `explicit table key '${key}': sparsity must be a number in [0, 1), got ${JSON.stringify(value)}`,
      );
    }
    entries.set(key, value);
  }
  return entries;
}

/** The keys that can name a group, most specific first. */
function keysOf(group: FoldGroup): string[] {
  return [group.name, `${group.stack}.${group.layer}`, String(group.layer), DEFAULT_KEY];
}

/** Each group's sparsity from the table; throws OptionError on unknown keys and uncovered groups. */
export function lookupTable(table: ReadonlyMap<string, number>, groups: readonly FoldGroup[]): number[] {
  const known = new Set<string>([DEFAULT_KEY]);
  for (const group of groups) for (const key of keysOf(group)) known.add(key);
  for (const key of table.keys()) {
    if (!known.has(key)) {
      throw new OptionError(
        POLICY_FILE_OPTION,
        `explicit table key '${key}' names no group of this model (use a group name, "stack.layer", a layer index or "default")`,
      );
    }
  }
  return groups.map((group) => {
    for (const key of keysOf(group)) {
      const value = table.get(key);
      if (value !== undefined) return value;
    }
    throw new OptionError(
      POLICY_FILE_OPTION,
      `explicit table covers no sparsity for group '${group.name}': add its name, ` +
        `"${group.stack}.${group.layer}", "${group.layer}" or a "default" key`,
    );
  });
}

/** A per-group table; the global budget is what the table implies. */
@injectable()
export class ExplicitPolicy implements SparsityPolicy {
  readonly name = 'explicit';
  readonly needsCost = false;
  /** The table is the budget: the requested sparsity is not aimed at. */
  readonly ownBudget = true;
  private readonly table: Map<string, number>;

  constructor(@inject(EXPLICIT_OPTIONS, { isOptional: true }) options: ExplicitOptions = {}) {
    this.table = parseExplicitOptions(options);
  }

  /** The global sparsity the table implies on these groups, after the bounds clamp it. */
  impliedSparsity(groups: GroupBudgetInput[], bounds?: PolicyBounds): number {
    const { limits, keep } = this.resolve(groups, bounds);
    const total = targetedParameters(limits);
    return total === 0 ? 0 : removedParameters(limits, keep) / total;
  }

  /** Ignores `sparsity`: the table is the budget. K stays within one unit of each table entry. */
  async allocate(groups: GroupBudgetInput[], _sparsity: number, bounds?: PolicyBounds): Promise<Allocation[]> {
    const { limits, requested, keep } = this.resolve(groups, bounds);
    const k = fitKeep(limits, keep, removedParameters(limits, keep));
    return toAllocations(limits, k, keep.map((x, g) => ({ requested: requested[g], target: 1 - x / limits[g].n })));
  }

  // The table's sparsity per group and the real keeps (1 - s_g) n_g, clamped to the bounds: an
  // entry outside them is held at the bound (K >= 1 forces that anyway for tiny groups).
  private resolve(
    groups: readonly GroupBudgetInput[],
    bounds?: PolicyBounds,
  ): { limits: GroupLimit[]; requested: number[]; keep: number[] } {
    const limits = groupLimits(groups, bounds);
    const requested = lookupTable(this.table, groups.map((g) => g.group));
    return { limits, requested, keep: limits.map((l, g) => keepAt(l, requested[g])) };
  }
}
