/**
 * Properties every policy must hold on random inputs: the budget within one unit of the largest
 * group, per-group bounds, 1 <= K <= n, determinism, and OptionError for infeasible targets. The
 * expected bounds and budget are recomputed here from the definitions, not taken from budget.ts.
 */
import { OptionError, type Allocation, type GroupBudgetInput, type PolicyBounds, type SparsityPolicy } from '@speechfold/core';
import * as fc from 'fast-check';
import { ExplicitPolicy } from './explicit';
import { MixedPolicy } from './mixed';
import { SchedulePolicy } from './schedule';
import { UniformPolicy } from './uniform';

interface GroupSpec {
  units: number;
  p: number;
  layer: number;
  stack: string;
  /** Mixed: the group's cost (0 = perfectly foldable). */
  cost: number;
  /** Explicit: the group's table entry. */
  entry: number;
}

interface Case {
  specs: GroupSpec[];
  bounds: PolicyBounds;
  /** Where the target lies in the feasible range, in [0, 1]. */
  position: number;
  schedule: { from: number; to: number; shape: 'linear' | 'cosine' };
  alpha: number;
}

const groupArb: fc.Arbitrary<GroupSpec> = fc.record({
  units: fc.oneof(fc.integer({ min: 1, max: 5000 }), fc.integer({ min: 1, max: 20 })),
  // Mixed sizes of unit: FFN neurons (2 * hidden + 1), heads (4 * hidden * headDim), odd ones.
  p: fc.oneof(fc.integer({ min: 1, max: 5000 }), fc.constantFrom(769, 2049, 262208, 1)),
  layer: fc.integer({ min: 0, max: 11 }),
  stack: fc.constantFrom('encoder', 'decoder'),
  cost: fc.oneof(fc.constant(0), fc.double({ min: 1e-6, max: 1, noNaN: true }), fc.constantFrom(0.1, 0.1, 0.25)),
  entry: fc.double({ min: 0, max: 0.95, noNaN: true }),
});

const boundsArb: fc.Arbitrary<PolicyBounds> = fc.record(
  {
    minKeep: fc.double({ min: 0, max: 0.6, noNaN: true }),
    maxKeep: fc.double({ min: 0.6, max: 1, noNaN: true }),
  },
  { requiredKeys: [] },
);

const caseArb: fc.Arbitrary<Case> = fc.record({
  specs: fc.array(groupArb, { minLength: 1, maxLength: 12 }),
  bounds: boundsArb,
  position: fc.double({ min: 0, max: 1, noNaN: true }),
  schedule: fc.record({
    from: fc.double({ min: 0, max: 1, noNaN: true }),
    to: fc.double({ min: 0.01, max: 1, noNaN: true }),
    shape: fc.constantFrom('linear' as const, 'cosine' as const),
  }),
  alpha: fc.oneof(fc.constant(1), fc.double({ min: 0, max: 4, noNaN: true })),
});

function inputs(specs: readonly GroupSpec[]): GroupBudgetInput[] {
  return specs.map((s, i) => ({
    group: { name: `${s.stack}.layers.${s.layer}.g${i}`, kind: 'ffn', layer: s.layer, stack: s.stack, units: s.units, producers: [], consumers: [] },
    parametersPerUnit: s.p,
    // Cost depends on the group only, so repeated calls agree.
    cost: async () => s.cost,
  }));
}

/** K bounds straight from the definition. */
function expectedLimits(specs: readonly GroupSpec[], bounds: PolicyBounds): Array<{ lo: number; hi: number }> {
  const minKeep = bounds.minKeep ?? 0;
  const maxKeep = bounds.maxKeep ?? 1;
  return specs.map((s) => ({ lo: Math.max(1, Math.ceil(minKeep * s.units)), hi: Math.min(s.units, Math.floor(maxKeep * s.units)) }));
}

/** [least, most] feasible sparsity, or null when some group has no K within its bounds. */
function expectedRange(specs: readonly GroupSpec[], bounds: PolicyBounds): [number, number] | null {
  const limits = expectedLimits(specs, bounds);
  if (limits.some((l) => l.lo > l.hi)) return null;
  const total = specs.reduce((sum, s) => sum + s.units * s.p, 0);
  const least = specs.reduce((sum, s, g) => sum + (s.units - limits[g].hi) * s.p, 0) / total;
  const most = specs.reduce((sum, s, g) => sum + (s.units - limits[g].lo) * s.p, 0) / total;
  return [least, most];
}

function removed(specs: readonly GroupSpec[], allocations: readonly Allocation[]): number {
  return specs.reduce((sum, s, g) => sum + (s.units - allocations[g].k) * s.p, 0);
}

/**
 * Asserts bounds, 1 <= K <= n, names in order, and |removed - target| <= max p_g (plus float slack);
 * `perGroup` loosens the budget to one unit per group (uniform's plain rounding).
 */
function checkAllocation(c: Case, allocations: Allocation[], targetRemoved: number, perGroup = false): void {
  const limits = expectedLimits(c.specs, c.bounds);
  expect(allocations.map((a) => a.group)).toEqual(inputs(c.specs).map((g) => g.group.name));
  allocations.forEach((a, g) => {
    expect(Number.isInteger(a.k)).toBe(true);
    expect(a.n).toBe(c.specs[g].units);
    expect(a.k).toBeGreaterThanOrEqual(Math.max(1, limits[g].lo));
    expect(a.k).toBeLessThanOrEqual(Math.min(a.n, limits[g].hi));
  });
  const total = c.specs.reduce((sum, s) => sum + s.units * s.p, 0);
  const tolerance = perGroup ? c.specs.reduce((sum, s) => sum + s.p, 0) : Math.max(...c.specs.map((s) => s.p));
  expect(Math.abs(removed(c.specs, allocations) - targetRemoved)).toBeLessThanOrEqual(tolerance + 1e-9 * total);
}

function policies(c: Case): SparsityPolicy[] {
  return [new UniformPolicy(), new SchedulePolicy(c.schedule), new MixedPolicy({ alpha: c.alpha })];
}

const RUNS = { numRuns: 150 };

describe('every policy, on random groups, bounds and targets', () => {
  it('meets the budget within max p_g, respects the bounds, and is deterministic', async () => {
    await fc.assert(
      fc.asyncProperty(caseArb, async (c) => {
        const range = expectedRange(c.specs, c.bounds);
        fc.pre(range !== null && range[0] <= 0.95);
        const [least, most] = range!;
        const s = Math.min(0.95, least + c.position * (Math.min(most, 0.95) - least));
        const total = c.specs.reduce((sum, spec) => sum + spec.units * spec.p, 0);
        for (const policy of policies(c)) {
          const first = await policy.allocate(inputs(c.specs), s, c.bounds);
          checkAllocation(c, first, s * total, !(policy instanceof SchedulePolicy));
          expect(await policy.allocate(inputs(c.specs), s, c.bounds)).toEqual(first);
        }
      }),
      RUNS,
    );
  });

  it('explicit meets the budget its table implies, within max p_g, and is deterministic', async () => {
    await fc.assert(
      fc.asyncProperty(caseArb, async (c) => {
        fc.pre(expectedRange(c.specs, c.bounds) !== null);
        const table = Object.fromEntries(inputs(c.specs).map((g, i) => [g.group.name, c.specs[i].entry]));
        const policy = new ExplicitPolicy({ table });
        // The implied budget: each entry's removal, held at the group's bounds.
        const limits = expectedLimits(c.specs, c.bounds);
        const implied = c.specs.reduce((sum, spec, g) => {
          const keep = Math.min(limits[g].hi, Math.max(limits[g].lo, spec.units * (1 - spec.entry)));
          return sum + (spec.units - keep) * spec.p;
        }, 0);
        const first = await policy.allocate(inputs(c.specs), 0, c.bounds);
        checkAllocation(c, first, implied);
        // Each group stays within one unit of its (clamped) table entry.
        first.forEach((a, g) => {
          const keep = Math.min(limits[g].hi, Math.max(limits[g].lo, a.n * (1 - c.specs[g].entry)));
          expect(Math.abs(a.k - keep)).toBeLessThan(1);
        });
        expect(await policy.allocate(inputs(c.specs), 0, c.bounds)).toEqual(first);
      }),
      RUNS,
    );
  });

  it('refuses a target outside the feasible range with OptionError naming --sparsity', async () => {
    await fc.assert(
      fc.asyncProperty(caseArb, fc.boolean(), async (c, below) => {
        const range = expectedRange(c.specs, c.bounds);
        fc.pre(range !== null);
        const [least, most] = range!;
        // A clear miss: well outside the range, still a valid sparsity in [0, 1).
        const s = below ? least * c.position - 1e-6 : most + (1 - most) * Math.max(c.position, 1e-3) * 0.999;
        fc.pre(s >= 0 && s < 1 && (s < least - 1e-9 || s > most + 1e-9));
        for (const policy of policies(c)) {
          const error = await policy.allocate(inputs(c.specs), s, c.bounds).then(
            () => null,
            (e: unknown) => e,
          );
          expect(error).toBeInstanceOf(OptionError);
          expect((error as OptionError).subject.option).toBe('--sparsity');
          expect((error as OptionError).message).toMatch(/feasible range is \[/);
        }
      }),
      RUNS,
    );
  });

  it('refuses bounds that leave a group no K with OptionError', async () => {
    await fc.assert(
      fc.asyncProperty(caseArb, async (c) => {
        fc.pre(expectedRange(c.specs, c.bounds) === null);
        for (const policy of [...policies(c), new ExplicitPolicy({ table: { default: 0.5 } })]) {
          await expect(policy.allocate(inputs(c.specs), 0.5, c.bounds)).rejects.toBeInstanceOf(OptionError);
        }
      }),
      { numRuns: 30 },
    );
  });
});
