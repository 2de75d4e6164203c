import { createContainer, OptionError, type GroupBudgetInput } from '@speechfold/core';
import { summarizeAllocation } from './budget';
import { depthPositions, SCHEDULE_OPTIONS, SchedulePolicy, type ScheduleOptions } from './schedule';

function input(name: string, units: number, p: number, layer: number, stack = 'encoder'): GroupBudgetInput {
  return { group: { name, kind: 'ffn', layer, stack, units, producers: [], consumers: [] }, parametersPerUnit: p };
}

const layers = (count: number, units = 1000, p = 7): GroupBudgetInput[] =>
  Array.from({ length: count }, (_, i) => input(`encoder.layers.${i}.ffn`, units, p, i));

async function kept(options: ScheduleOptions, groups: GroupBudgetInput[], s: number): Promise<number[]> {
  return (await new SchedulePolicy(options).allocate(groups, s)).map((a) => a.k);
}

function nonIncreasing(values: number[]): boolean {
  return values.every((v, i) => i === 0 || v <= values[i - 1]);
}

describe('SchedulePolicy', () => {
  it('is monotone in depth for a linear ramp from < to: deeper layers keep fewer units', async () => {
    for (const s of [0.1, 0.33, 0.5, 0.7]) {
      const k = await kept({ from: 0.1, to: 0.6 }, layers(12), s);
      expect(nonIncreasing(k)).toBe(true);
      expect(k[0]).toBeGreaterThan(k[11]);
    }
  });

  it('is monotone for the cosine shape and reversed when from > to', async () => {
    expect(nonIncreasing(await kept({ shape: 'cosine' }, layers(9), 0.4))).toBe(true);
    const reversed = await kept({ from: 0.8, to: 0.2 }, layers(9), 0.4);
    expect(nonIncreasing([...reversed].reverse())).toBe(true);
  });

  it('scales the ramp to the budget: only the ratio of from and to matters', async () => {
    const groups = layers(5, 100, 3);
    // Profile 1, 2, 3, 4, 5 scaled to remove half: s_g = g / 6 → keeps 83.3, 66.7, 50, 33.3, 16.7.
    const k = await kept({ from: 0.1, to: 0.5 }, groups, 0.5);
    expect(k).toEqual([83, 67, 50, 33, 17]);
    expect(await kept({ from: 0.02, to: 0.1 }, groups, 0.5)).toEqual(k);
    const summary = summarizeAllocation(groups, await new SchedulePolicy({ from: 0.1, to: 0.5 }).allocate(groups, 0.5));
    expect(summary.sparsity).toBe(0.5);
  });

  it('places depth within each stack', () => {
    const groups = [input('e0', 4, 1, 0), input('e3', 4, 1, 3), input('e6', 4, 1, 6), input('d7', 4, 1, 7, 'decoder'), input('d9', 4, 1, 9, 'decoder'), input('x', 4, 1, 5, 'extra')];
    expect(depthPositions(groups.map((g) => g.group))).toEqual([0, 0.5, 1, 0, 1, 0.5]);
  });

  it('still meets the budget when a zero-profile layer must give units', async () => {
    const groups = layers(3, 10, 1);
    const allocations = await new SchedulePolicy({ from: 0, to: 0.5 }).allocate(groups, 0.9);
    const summary = summarizeAllocation(groups, allocations);
    expect(Math.abs(summary.removed - 27)).toBeLessThanOrEqual(1);
  });

  it('refuses bad options naming the key', () => {
    expect(() => new SchedulePolicy({ shape: 'step' as 'linear' })).toThrow(/--policy-file.*'shape'/);
    expect(() => new SchedulePolicy({ from: 1.5 })).toThrow(/'from'/);
    expect(() => new SchedulePolicy({ from: 0, to: 0 })).toThrow(OptionError);
    expect(() => new SchedulePolicy({ slope: 2 } as ScheduleOptions)).toThrow(/'slope'/);
  });

  it('resolves from a container, with or without its options token', async () => {
    expect(createContainer().resolve(SchedulePolicy).options).toEqual({ from: 0.25, to: 0.75, shape: 'linear' });
    const c = createContainer();
    c.register(SCHEDULE_OPTIONS, { useValue: { shape: 'cosine' } });
    expect(c.resolve(SchedulePolicy).options.shape).toBe('cosine');
  });
});
