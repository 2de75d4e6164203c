import { Catalogue, TOKENS, type ProgressEvent, type TensorEngine } from '@speechfold/core';
import { withEngine, withProgress } from './command-run';
import { memoryIO } from './io';

/** A catalogue with one engine that reports its choice and counts its disposals. */
function fakeEngines(): { catalogue: Catalogue; disposed: () => number } {
  let disposed = 0;
  const engine = { name: 'fake', dispose: async () => void disposed++ } as unknown as TensorEngine;
  const catalogue = new Catalogue().register({
    kind: 'engine',
    name: 'fake',
    description: 'a stand-in',
    create: async (c) => {
      const progress = c.resolve(TOKENS.ProgressListener);
      progress({ type: 'info', message: 'engine fake (asked for)' });
      progress({ type: 'warning', message: 'slow here' });
      return engine;
    },
  });
  return { catalogue, disposed: () => disposed };
}

describe('withEngine', () => {
  it('hands the engine and its choice to the work, warnings to progress, and disposes it', async () => {
    const { catalogue, disposed } = fakeEngines();
    const events: ProgressEvent[] = [];
    const result = await withEngine(catalogue, 'fake', (e) => void events.push(e), async (engine, choice) => `${engine.name}: ${choice}`);
    expect(result).toBe('fake: engine fake (asked for)');
    expect(events).toEqual([{ type: 'warning', message: 'slow here' }]);
    expect(disposed()).toBe(1);
  });

  it('disposes the engine when the work fails, and names --engine for an unknown one', async () => {
    const { catalogue, disposed } = fakeEngines();
    await expect(withEngine(catalogue, 'fake', () => undefined, async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(disposed()).toBe(1);
    await expect(withEngine(catalogue, 'cuda', () => undefined, async () => 1)).rejects.toThrow(/^option --engine: unknown engine "cuda"; choose one of: fake$/);
  });
});

describe('withProgress', () => {
  it('prints the summary of the result, and nothing when the work fails', async () => {
    const io = memoryIO();
    await withProgress(io, true, async () => 2, (n) => `${n} done\n`);
    await expect(withProgress(io, true, async () => Promise.reject(new Error('no')), () => 'never\n')).rejects.toThrow('no');
    expect(io.out).toEqual(['2 done\n']);
  });
});
