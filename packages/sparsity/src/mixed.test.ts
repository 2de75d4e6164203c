import { MethodError, OptionError, type GroupBudgetInput } from '@speechfold/core';
import { summarizeAllocation } from './budget';
import { MixedPolicy } from './mixed';
import { UniformPolicy } from './uniform';

function input(name: string, units: number, p: number, cost: (k: number) => number): GroupBudgetInput {
  return {
    group: { name, kind: 'ffn', layer: 0, stack: 'encoder', units, producers: [], consumers: [] },
    parametersPerUnit: p,
    cost: async (k) => cost(k),
  };
}

const constant = (c: number) => (): number => c;

describe('MixedPolicy', () => {
  it('moves units from the cheap group to the costly one (hand example)', async () => {
    // c̄ = 0.2, weights (c̄ / c)^1 = 2 and 2/3; s = λ w averages 0.5 → λ = 0.375, s = 0.75 and 0.25.
    const groups = [input('cheap', 100, 10, constant(0.1)), input('costly', 100, 10, constant(0.3))];
    const allocations = await new MixedPolicy().allocate(groups, 0.5);
    expect(allocations.map((a) => a.k)).toEqual([25, 75]);
    expect(allocations[0].detail).toMatchObject({ cost: 0.1, share: 0.75, sparsity: 0.75 });
    expect(allocations[1].detail).toMatchObject({ cost: 0.3, share: 0.25, sparsity: 0.25 });
  });

  it('sharpens with alpha and is uniform at alpha = 0', async () => {
    const groups = [input('cheap', 100, 10, constant(0.1)), input('costly', 100, 10, constant(0.3))];
    const sharp = await new MixedPolicy({ alpha: 2 }).allocate(groups, 0.5);
    expect(sharp[0].k).toBeLessThan(25);
    const flat = await new MixedPolicy({ alpha: 0 }).allocate(groups, 0.5);
    expect(flat.map((a) => a.k)).toEqual([50, 50]);
  });

  it('equals uniform when the costs are equal', async () => {
    const groups = [input('a', 3072, 1537, constant(0.2)), input('b', 1024, 3, constant(0.2)), input('c', 17, 999, constant(0.2))];
    for (const s of [0, 0.1, 0.37, 0.5, 0.9]) {
      const mixed = await new MixedPolicy().allocate(groups, s);
      const uniform = await new UniformPolicy().allocate(groups, s);
      expect(mixed.map((a) => a.k)).toEqual(uniform.map((a) => a.k));
    }
  });

  it('equals uniform when every group folds perfectly (all costs 0)', async () => {
    const groups = [input('a', 30, 5, constant(0)), input('b', 7, 11, constant(0))];
    const mixed = await new MixedPolicy().allocate(groups, 0.4);
    const uniform = await new UniformPolicy().allocate(groups, 0.4);
    expect(mixed.map((a) => a.k)).toEqual(uniform.map((a) => a.k));
  });

  it('measures each cost once, at the uniform K', async () => {
    const calls: Array<[string, number]> = [];
    const track = (name: string, c: number) => (k: number): number => {
      calls.push([name, k]);
      return c;
    };
    const groups = [input('a', 40, 1, track('a', 0.5)), input('b', 10, 1, track('b', 0.1))];
    await new MixedPolicy().allocate(groups, 0.25);
    expect(calls).toEqual([
      ['a', 30],
      ['b', 8],
    ]);
  });

  it('gives a zero-cost group the most sparsity its bounds allow first', async () => {
    const groups = [input('free', 100, 1, constant(0)), input('costly', 100, 1, constant(0.4))];
    // Budget 60 units: the free group alone carries it.
    expect((await new MixedPolicy().allocate(groups, 0.3)).map((a) => a.k)).toEqual([40, 100]);
    // Budget 120: the free group drops to K = 1 (99 removed), the costly one gives the remaining 21.
    expect((await new MixedPolicy().allocate(groups, 0.6)).map((a) => a.k)).toEqual([1, 79]);
    // With a bound the free group stops at its least K.
    expect((await new MixedPolicy().allocate(groups, 0.6, { minKeep: 0.3 })).map((a) => a.k)).toEqual([30, 50]);
  });

  it('meets the budget within one unit of the largest group', async () => {
    const groups = [input('a', 4096, 2049, constant(0.03)), input('b', 16, 262208, constant(0.5)), input('c', 1000, 77, constant(0.2))];
    const allocations = await new MixedPolicy().allocate(groups, 0.5);
    const summary = summarizeAllocation(groups, allocations);
    expect(Math.abs(summary.removed - 0.5 * summary.targeted)).toBeLessThanOrEqual(summary.tolerance);
  });

  it('copes with extreme cost ratios', async () => {
    const groups = [input('a', 50, 3, constant(1e-300)), input('b', 50, 3, constant(0.9)), input('c', 50, 3, constant(0.5))];
    const allocations = await new MixedPolicy({ alpha: 8 }).allocate(groups, 0.6);
    const summary = summarizeAllocation(groups, allocations);
    expect(Math.abs(summary.removed - 0.6 * summary.targeted)).toBeLessThanOrEqual(summary.tolerance);
    expect(allocations[0].k).toBe(1);
    expect(allocations[1].k).toBeGreaterThan(allocations[2].k);
  });

  it('refuses a missing or bad cost with MethodError naming the group', async () => {
    const missing: GroupBudgetInput = { ...input('a', 10, 1, constant(0)), cost: undefined };
    await expect(new MixedPolicy().allocate([missing], 0.5)).rejects.toThrow(MethodError);
    await expect(new MixedPolicy().allocate([input('neg', 10, 1, constant(-1))], 0.5)).rejects.toThrow(/group 'neg'/);
    await expect(new MixedPolicy().allocate([input('nan', 10, 1, constant(Number.NaN))], 0.5)).rejects.toThrow(MethodError);
  });

  it('checks feasibility before measuring any cost', async () => {
    let calls = 0;
    const groups = [input('a', 10, 1, () => ++calls)];
    await expect(new MixedPolicy().allocate(groups, 0.5, { minKeep: 0.9 })).rejects.toThrow(OptionError);
    expect(calls).toBe(0);
  });

  it('refuses bad options naming the key', () => {
    expect(() => new MixedPolicy({ alpha: -1 })).toThrow(/--policy-file.*'alpha'/);
    expect(() => new MixedPolicy({ beta: 1 } as never)).toThrow(/'beta'/);
    expect(new MixedPolicy().needsCost).toBe(true);
  });
});
