import { MethodError, OptionError, type GroupBudgetInput } from '@speechfold/core';
import {
  budgetTolerance,
  checkFeasible,
  feasibleRange,
  fitKeep,
  groupLimits,
  removedParameters,
  resolveBounds,
  summarizeAllocation,
  targetedParameters,
} from './budget';

function input(name: string, units: number, p: number): GroupBudgetInput {
  return { group: { name, kind: 'ffn', layer: 0, stack: 'encoder', units, producers: [], consumers: [] }, parametersPerUnit: p };
}

function optionOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    if (e instanceof OptionError) return e.subject.option;
    throw e;
  }
  return undefined;
}

describe('resolveBounds', () => {
  it('defaults to one unit and every unit', () => {
    expect(resolveBounds()).toEqual({ minKeep: 0, maxKeep: 1 });
  });

  it('names the option at fault', () => {
    expect(optionOf(() => resolveBounds({ minKeep: -0.1 }))).toBe('minKeep');
    expect(optionOf(() => resolveBounds({ maxKeep: 0 }))).toBe('maxKeep');
    expect(optionOf(() => resolveBounds({ maxKeep: Number.NaN }))).toBe('maxKeep');
    expect(optionOf(() => resolveBounds({ minKeep: 0.6, maxKeep: 0.5 }))).toBe('minKeep');
  });
});

describe('groupLimits', () => {
  it('turns kept fractions into K bounds: [max(1, ceil(minKeep n)), floor(maxKeep n)]', () => {
    const limits = groupLimits([input('a', 10, 3), input('b', 7, 5)], { minKeep: 0.25, maxKeep: 0.9 });
    expect(limits).toEqual([
      { name: 'a', n: 10, p: 3, lo: 3, hi: 9 },
      { name: 'b', n: 7, p: 5, lo: 2, hi: 6 },
    ]);
    expect(groupLimits([input('a', 10, 3)])[0]).toMatchObject({ lo: 1, hi: 10 });
  });

  it('refuses a group with no K between its bounds', () => {
    expect(optionOf(() => groupLimits([input('tiny', 1, 3)], { maxKeep: 0.5 }))).toBe('maxKeep');
  });

  it('refuses malformed groups with MethodError', () => {
    expect(() => groupLimits([input('a', 0, 3)])).toThrow(MethodError);
    expect(() => groupLimits([input('a', 2.5, 3)])).toThrow(MethodError);
    expect(() => groupLimits([input('a', 4, 0)])).toThrow(MethodError);
    expect(() => groupLimits([input('a', 4, 1), input('a', 4, 1)])).toThrow(/twice/);
  });
});

describe('feasibility', () => {
  const limits = groupLimits([input('a', 10, 1), input('b', 10, 3)], { minKeep: 0.2, maxKeep: 0.9 });

  it('computes the range from every K at its most and at its least', () => {
    const [least, most] = feasibleRange(limits);
    expect(targetedParameters(limits)).toBe(40);
    expect(least).toBeCloseTo((1 * 1 + 1 * 3) / 40, 12);
    expect(most).toBeCloseTo((8 * 1 + 8 * 3) / 40, 12);
  });

  it('names --sparsity and the feasible range', () => {
    expect(() => checkFeasible(limits, 0.5)).not.toThrow();
    expect(() => checkFeasible(limits, 0.05)).toThrow(/--sparsity.*feasible range is \[0\.1, 0\.8\]/);
    expect(() => checkFeasible(limits, 0.81)).toThrow(OptionError);
    // The CLI has no --min-keep / --max-keep: the message names the API bounds, never such flags.
    expect(() => checkFeasible(limits, 0.81)).toThrow(/every group keeps at least one unit \(and the policy bound minKeep\)/);
    expect(() => checkFeasible(limits, 0.05)).toThrow(/policy bound maxKeep/);
    const plain = groupLimits([input('a', 10, 1)]);
    expect(() => checkFeasible(plain, 0.95)).toThrow(/^option --sparsity: target 0\.95 cannot be met: every group keeps at least one unit; the feasible range is \[0, 0\.9\]$/);
    for (const s of [0.05, 0.81]) expect(() => checkFeasible(limits, s)).not.toThrow(/--(min|max)-keep/);
    expect(optionOf(() => checkFeasible(limits, 1))).toBe('--sparsity');
    expect(optionOf(() => checkFeasible(limits, -0.1))).toBe('--sparsity');
  });
});

describe('fitKeep', () => {
  it('gives the residual to the groups rounding favoured most', () => {
    const limits = groupLimits([input('a', 10, 1), input('b', 10, 1), input('c', 10, 1)]);
    // Keeps 4.5, 4.6, 4.9 round to 5, 5, 5 (15 kept, 15 removed); the target removes 16: the group
    // whose keep was rounded up the most (a: +0.5) gives the unit.
    const k = fitKeep(limits, [4.5, 4.6, 4.9], 16);
    expect(k).toEqual([4, 5, 5]);
  });

  it('meets the target within one unit of the largest group even when the keeps are far off', () => {
    const limits = groupLimits([input('a', 100, 7), input('b', 50, 2), input('c', 30, 11)]);
    const target = 0.4 * targetedParameters(limits);
    const k = fitKeep(limits, [100, 50, 30], target);
    expect(Math.abs(removedParameters(limits, k) - target)).toBeLessThanOrEqual(budgetTolerance(limits));
  });

  it('never leaves the bounds', () => {
    const limits = groupLimits([input('a', 10, 1), input('b', 10, 1)], { minKeep: 0.3, maxKeep: 0.8 });
    const k = fitKeep(limits, [0, 20], 10);
    expect(k[0]).toBeGreaterThanOrEqual(3);
    expect(k[1]).toBeLessThanOrEqual(8);
  });
});

describe('summarizeAllocation', () => {
  it('reports the achieved sparsity and the tolerance', () => {
    const groups = [input('a', 10, 2), input('b', 4, 5)];
    const summary = summarizeAllocation(groups, [
      { group: 'b', n: 4, k: 2 },
      { group: 'a', n: 10, k: 5 },
    ]);
    expect(summary).toEqual({ targeted: 40, removed: 20, sparsity: 0.5, tolerance: 5 });
    expect(() => summarizeAllocation(groups, [])).toThrow(MethodError);
  });
});
