import { EngineError, OptionError, Random } from '@speechfold/core';
import { runEngineConformance, randomMatrix } from '@speechfold/engine-testkit';
import { requireModule, TfModule } from './load-tfjs';
import { createTfjsEngine } from './tfjs-engine';

/** Whether @tensorflow/tfjs-node can be resolved here (it is an optional dependency). */
function tfjsNodeInstalled(): boolean {
  try {
    require.resolve('@tensorflow/tfjs-node');
    return true;
  } catch {
    return false;
  }
}

runEngineConformance('tfjs-wasm', (options) => createTfjsEngine({ backend: 'wasm', ...options }));

describe('createTfjsEngine', () => {
  it("with backend 'wasm' is named 'tfjs-wasm' and runs on tfjs's wasm backend, not tfjs-cpu", async () => {
    const engine = await createTfjsEngine({ backend: 'wasm' });
    try {
      expect(engine.name).toBe('tfjs-wasm');
      const tf = requireModule<TfModule>('@tensorflow/tfjs-core', 'test');
      expect(tf.getBackend()).toBe('wasm');
    } finally {
      await engine.dispose();
    }
  });

  it('keeps tfjs memory flat: every tensor a call creates is disposed', async () => {
    const engine = await createTfjsEngine({ backend: 'wasm', maxBlockBytes: 4 * 5 * 4 });
    const tf = requireModule<TfModule>('@tensorflow/tfjs-core', 'test');
    try {
      const random = new Random(21);
      const x = randomMatrix(random, 23, 6);
      const c = randomMatrix(random, 5, 6);
      const before = tf.memory().numTensors;
      await engine.matmul(x, c, { transposeB: true });
      await engine.matmul(x, x, { transposeA: true });
      await engine.squaredDistances(x, c);
      await engine.nearest(x, c);
      await engine.rowSquaredNorms(x);
      await expect(engine.matmul(x, c)).rejects.toThrow(/inner dims/);
      expect(tf.memory().numTensors).toBe(before);
    } finally {
      await engine.dispose();
    }
  });

  it('refuses work after dispose, with EngineError', async () => {
    const engine = await createTfjsEngine({ backend: 'wasm' });
    await engine.dispose();
    await expect(engine.rowSquaredNorms({ data: Float32Array.of(1), rows: 1, cols: 1 })).rejects.toBeInstanceOf(EngineError);
  });

  it('rejects an unknown backend or a bad block size with OptionError', async () => {
    await expect(createTfjsEngine({ backend: 'cpu' as never })).rejects.toBeInstanceOf(OptionError);
    await expect(createTfjsEngine({ backend: 'wasm', maxBlockBytes: 0 })).rejects.toThrow(/positive integer/);
  });

  if (tfjsNodeInstalled()) {
    runEngineConformance('tfjs-node', (options) => createTfjsEngine({ backend: 'node', ...options }));

    it("'best' picks tfjs-node where it is installed", async () => {
      const engine = await createTfjsEngine();
      expect(engine.name).toBe('tfjs-node');
      await engine.dispose();
    });
  } else {
    it("backend 'node' throws EngineError saying @tensorflow/tfjs-node is not installed", async () => {
      const attempt = createTfjsEngine({ backend: 'node' });
      await expect(attempt).rejects.toBeInstanceOf(EngineError);
      await expect(attempt).rejects.toThrow("engine 'tfjs-node': @tensorflow/tfjs-node is not installed");
    });

    it("'best' falls back to tfjs-wasm where tfjs-node is missing", async () => {
      const engine = await createTfjsEngine();
      expect(engine.name).toBe('tfjs-wasm');
      await engine.dispose();
    });
  }
});
