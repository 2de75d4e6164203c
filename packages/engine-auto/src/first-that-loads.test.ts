import { EngineError, TensorEngine } from '@speechfold/core';
import { EngineCandidate, EngineName } from './candidates';
import { firstThatLoads, reasonOf } from './first-that-loads';

const fakeEngine = (name: string): TensorEngine => ({ name }) as TensorEngine;
const works = (name: EngineName): EngineCandidate => ({ name, create: async () => fakeEngine(name) });
const fails = (name: EngineName, error: unknown): EngineCandidate => ({
  name,
  create: async () => {
    throw error;
  },
});

describe('firstThatLoads', () => {
  it('returns the first engine that loads and why each earlier one was skipped', async () => {
    const tried: string[] = [];
    const spy = (candidate: EngineCandidate): EngineCandidate => ({
      name: candidate.name,
      create: () => {
        tried.push(candidate.name);
        return candidate.create();
      },
    });
    const result = await firstThatLoads('auto', [
      spy(fails('tfjs-node', new EngineError('tfjs-node', '@tensorflow/tfjs-node is not installed'))),
      spy(fails('onnxruntime', new Error('libonnxruntime.so: cannot open shared object file'))),
      spy(works('tfjs-wasm')),
    ]);
    expect(result.engine.name).toBe('tfjs-wasm');
    expect(result.skipped).toEqual([
      { name: 'tfjs-node', reason: '@tensorflow/tfjs-node is not installed' },
      { name: 'onnxruntime', reason: 'libonnxruntime.so: cannot open shared object file' },
    ]);
    expect(tried).toEqual(['tfjs-node', 'onnxruntime', 'tfjs-wasm']);
  });

  it('stops at the first success', async () => {
    const never: EngineCandidate = { name: 'tfjs-wasm', create: () => Promise.reject(new Error('must not be tried')) };
    const result = await firstThatLoads('auto', [works('onnxruntime'), never]);
    expect(result).toEqual({ engine: fakeEngine('onnxruntime'), skipped: [] });
  });

  it('throws an EngineError listing every reason when nothing loads', async () => {
    const attempt = firstThatLoads('auto', [
      fails('tfjs-node', new EngineError('tfjs-node', 'not installed')),
      fails('tfjs-wasm', new EngineError('tfjs-wasm', 'no wasm')),
    ]);
    await expect(attempt).rejects.toBeInstanceOf(EngineError);
    await expect(attempt).rejects.toThrow("engine 'auto': no engine loads here (tfjs-node: not installed; tfjs-wasm: no wasm)");
  });

  it("rethrows a single candidate's own EngineError unchanged", async () => {
    const original = new EngineError('onnxruntime', 'onnxruntime-node is not installed');
    await expect(firstThatLoads('onnxruntime', [fails('onnxruntime', original)])).rejects.toBe(original);
  });
});

describe('reasonOf', () => {
  it("drops EngineError's engine prefix and keeps other messages whole", () => {
    expect(reasonOf(new EngineError('x', "it's broken"))).toBe("it's broken");
    expect(reasonOf(new Error("engine 'x': kept"))).toBe("engine 'x': kept");
    expect(reasonOf('plain')).toBe('plain');
  });
});
