import { createContainer, OptionError, TOKENS, type GroupBudgetInput, type SparsityPolicy } from '@speechfold/core';
import { summarizeAllocation } from './budget';
import { UniformPolicy } from './uniform';

function input(name: string, units: number, p: number): GroupBudgetInput {
  return { group: { name, kind: 'ffn', layer: 0, stack: 'encoder', units, producers: [], consumers: [] }, parametersPerUnit: p };
}

describe('UniformPolicy', () => {
  const policy = new UniformPolicy();

  it('keeps every unit at s = 0', async () => {
    const groups = [input('a', 3072, 1537), input('b', 12, 49216), input('c', 1, 7)];
    const allocations = await policy.allocate(groups, 0);
    expect(allocations.map((a) => a.k)).toEqual([3072, 12, 1]);
  });

  it('keeps n/2 of each of equal groups at s = 0.5', async () => {
    const groups = [0, 1, 2, 3].map((i) => input(`g${i}`, 4096, 2049));
    const allocations = await policy.allocate(groups, 0.5);
    expect(allocations.map((a) => a.k)).toEqual([2048, 2048, 2048, 2048]);
    expect(allocations.every((a) => a.detail?.sparsity === 0.5)).toBe(true);
  });

  it('rounds each group on its own (K = round((1 - s) N)), within half a unit per group of the budget', async () => {
    // round(0.5 * 5) = 3 in every group removes 2 * 3 = 6 of 15 units; the budget is 7.5.
    const groups = [input('a', 5, 1), input('b', 5, 1), input('c', 5, 1)];
    const allocations = await policy.allocate(groups, 0.5);
    const summary = summarizeAllocation(groups, allocations);
    expect(Math.abs(summary.removed - 7.5)).toBeLessThanOrEqual(1.5);
    expect(allocations.map((a) => a.k)).toEqual([3, 3, 3]);
  });

  it('gives the share a bound refuses to the other groups, at one common sparsity', async () => {
    const groups = [input('a', 100, 1), input('b', 100, 1), input('c', 100, 1)];
    const allocations = await new UniformPolicy().allocate(groups, 0.8, { minKeep: 0.1 });
    expect(allocations.map((a) => a.k)).toEqual([20, 20, 20]);
    // A one-unit group cannot give its unit (K >= 1); the other takes its share: 55 of 110 removed.
    const clamped = await new UniformPolicy().allocate([input('a', 100, 1), input('b', 1, 10)], 0.5);
    expect(clamped.map((a) => a.k)).toEqual([45, 1]);
  });

  it('refuses an infeasible target naming --sparsity', async () => {
    await expect(policy.allocate([input('a', 10, 1)], 0.5, { minKeep: 0.6 })).rejects.toThrow(OptionError);
    await expect(policy.allocate([input('a', 10, 1)], 0.5, { minKeep: 0.6 })).rejects.toThrow(/--sparsity/);
  });

  it('resolves from a container under the SparsityPolicy token', async () => {
    const c = createContainer();
    c.register(TOKENS.SparsityPolicy, { useClass: UniformPolicy });
    const resolved = c.resolve<SparsityPolicy>(TOKENS.SparsityPolicy);
    expect(resolved.name).toBe('uniform');
    expect(resolved.needsCost).toBe(false);
    expect((await resolved.allocate([input('a', 8, 1)], 0.25)).map((a) => a.k)).toEqual([6]);
  });
});

describe('uniform rounding', () => {
  it('gives groups of equal size equal K, so a stock config can express the result', async () => {
    const { UniformPolicy: Policy } = await import('./uniform');
    const groups = Array.from({ length: 8 }, (_, i) => ({
      group: { name: `g${i}`, kind: 'ffn' as const, layer: i, stack: 'encoder', units: 1536, producers: [], consumers: [] },
      parametersPerUnit: 769,
    }));
    const allocations = await new Policy().allocate(groups, 0.1);
    expect(new Set(allocations.map((a) => a.k))).toEqual(new Set([Math.round(0.9 * 1536)]));
  });
});
