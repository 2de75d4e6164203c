import { EngineId, OptionError, ProgressEvent } from '@speechfold/core';
import { loadEngine, parseEngineId } from './load-engine';
import { tfjsNodeInstalled } from './test-support.test-helper';

/** Loads an engine, checks it multiplies, disposes it; returns its name and the events emitted. */
async function load(id?: EngineId): Promise<{ name: string; events: ProgressEvent[] }> {
  const events: ProgressEvent[] = [];
  const engine = await loadEngine(id, (event) => events.push(event));
  try {
    const product = await engine.matmul({ data: Float32Array.of(1, 2), rows: 1, cols: 2 }, { data: Float32Array.of(3, 4), rows: 2, cols: 1 });
    expect(Array.from(product.data)).toEqual([11]);
    return { name: engine.name, events };
  } finally {
    await engine.dispose();
  }
}

describe('loadEngine', () => {
  if (tfjsNodeInstalled()) {
    it("'auto' picks tfjs-node where it is installed", async () => {
      const { name, events } = await load('auto');
      expect(name).toBe('tfjs-node');
      expect(events).toEqual([{ type: 'info', message: 'engine tfjs-node (fastest that loads)' }]);
    });
  } else {
    it("'auto' picks onnxruntime when tfjs-node is missing, and says why it skipped tfjs-node", async () => {
      const { name, events } = await load();
      expect(name).toBe('onnxruntime');
      expect(events).toEqual([
        {
          type: 'info',
          message: 'engine onnxruntime (fastest that loads; tfjs-node skipped: @tensorflow/tfjs-node is not installed)',
        },
      ]);
    });

    it("'tfjs' falls back to tfjs-wasm when tfjs-node is missing", async () => {
      const { name, events } = await load('tfjs');
      expect(name).toBe('tfjs-wasm');
      expect(events[0].type === 'info' && events[0].message).toMatch(/^engine tfjs-wasm \(--engine tfjs; tfjs-node skipped: .*not installed\)$/);
    });
  }

  it("'onnxruntime' and 'wasm' load exactly those engines", async () => {
    expect((await load('onnxruntime')).name).toBe('onnxruntime');
    const wasm = await load('wasm');
    expect(wasm.name).toBe('tfjs-wasm');
    expect(wasm.events).toEqual([{ type: 'info', message: 'engine tfjs-wasm (--engine wasm)' }]);
  });

  it('rejects an unknown id with an OptionError naming --engine and the choices', async () => {
    const attempt = loadEngine('cuda' as EngineId);
    await expect(attempt).rejects.toBeInstanceOf(OptionError);
    await expect(attempt).rejects.toThrow("option --engine: unknown engine 'cuda'; choose one of: auto, tfjs, onnxruntime, wasm");
    expect(() => parseEngineId('tfjs-cpu')).toThrow(OptionError);
    expect(parseEngineId('wasm')).toBe('wasm');
  });
});
