import { createContainer, OptionError, type GroupBudgetInput } from '@speechfold/core';
import { summarizeAllocation } from './budget';
import { EXPLICIT_OPTIONS, ExplicitPolicy } from './explicit';

function input(name: string, units: number, p: number, layer: number, stack: string): GroupBudgetInput {
  return { group: { name, kind: 'ffn', layer, stack, units, producers: [], consumers: [] }, parametersPerUnit: p };
}

// Two encoder layers with an ffn and a heads group each, one decoder layer (layers numbered on).
const groups = [
  input('encoder.layers.0.ffn', 100, 10, 0, 'encoder'),
  input('encoder.layers.0.heads', 10, 40, 0, 'encoder'),
  input('encoder.layers.1.ffn', 100, 10, 1, 'encoder'),
  input('encoder.layers.1.heads', 10, 40, 1, 'encoder'),
  input('decoder.layers.2.ffn', 100, 10, 2, 'decoder'),
];

function keptBy(table: Record<string, number>): Promise<number[]> {
  return new ExplicitPolicy({ table })
    .allocate(groups, 0, undefined)
    .then((allocations) => allocations.map((a) => a.k));
}

async function optionError(run: () => Promise<unknown>): Promise<OptionError> {
  try {
    await run();
  } catch (e) {
    if (e instanceof OptionError) return e;
    throw e;
  }
  throw new Error('expected an OptionError');
}

describe('ExplicitPolicy', () => {
  it('reads every key form, the most specific one winning', async () => {
    const k = await keptBy({
      'encoder.layers.0.heads': 0.5, // group name
      'encoder.0': 0.2, // stack.layer: the rest of encoder layer 0
      '1': 0.3, // layer index: every group of layer 1
      default: 0.1, // everything else
    });
    expect(k).toEqual([80, 5, 70, 7, 90]);
  });

  it('needs no default when every group is covered', async () => {
    expect(await keptBy({ '0': 0, '1': 0.5, 'decoder.2': 0.25 })).toEqual([100, 10, 50, 5, 75]);
  });

  it('refuses an unknown key, naming it and --policy-file', async () => {
    const error = await optionError(() => keptBy({ 'encoder.7': 0.5, default: 0.1 }));
    expect(error.subject.option).toBe('--policy-file');
    expect(error.message).toMatch(/'encoder\.7'/);
    await expect(keptBy({ 'encoder.layers.0.fnn': 0.5, default: 0.1 })).rejects.toThrow(/encoder\.layers\.0\.fnn/);
    await expect(keptBy({ '9': 0.5, default: 0.1 })).rejects.toThrow(/'9'/);
  });

  it('refuses a table that leaves a group uncovered without a default', async () => {
    const error = await optionError(() => keptBy({ encoder: 0.5 } as Record<string, number>));
    expect(error.message).toMatch(/'encoder'/);
    await expect(keptBy({ '0': 0.5, '1': 0.5 })).rejects.toThrow(/decoder\.layers\.2\.ffn/);
  });

  it('refuses bad values and bad options at construction', () => {
    expect(() => new ExplicitPolicy({ table: { default: 1 } })).toThrow(/--policy-file.*'default'/);
    expect(() => new ExplicitPolicy({ table: { default: -0.1 } })).toThrow(OptionError);
    expect(() => new ExplicitPolicy({ table: { default: '0.5' as unknown as number } })).toThrow(OptionError);
    expect(() => new ExplicitPolicy({ tabel: {} } as unknown as { table: Record<string, number> })).toThrow(/tabel/);
  });

  it('is its own budget: the implied sparsity, met within one unit; the sparsity argument is ignored', async () => {
    const policy = new ExplicitPolicy({ table: { '0': 0.5, default: 0.25 } });
    const implied = policy.impliedSparsity(groups);
    // removed: 50*10 + 5*40 + 25*10 + 2.5*40 + 25*10 = 1300 of 3800 targeted.
    expect(implied).toBeCloseTo(1300 / 3800, 12);
    const allocations = await policy.allocate(groups, 0.9);
    const summary = summarizeAllocation(groups, allocations);
    expect(Math.abs(summary.removed - 1300)).toBeLessThanOrEqual(summary.tolerance);
    expect(allocations[1].detail).toMatchObject({ requested: 0.5 });
  });

  it('holds entries at the per-group bounds', async () => {
    const policy = new ExplicitPolicy({ table: { default: 0.9 } });
    const allocations = await policy.allocate(groups, 0, { minKeep: 0.2 });
    expect(allocations.map((a) => a.k)).toEqual([20, 2, 20, 2, 20]);
  });

  it('resolves from a container with its options token', async () => {
    const c = createContainer();
    c.register(EXPLICIT_OPTIONS, { useValue: { table: { default: 0.5 } } });
    const policy = c.resolve(ExplicitPolicy);
    expect((await policy.allocate(groups, 0)).map((a) => a.k)).toEqual([50, 5, 50, 5, 50]);
    // Without the token the table is empty, so no group is covered.
    await expect(createContainer().resolve(ExplicitPolicy).allocate(groups, 0)).rejects.toThrow(OptionError);
  });
});
