import { EngineError, OptionError, Random } from '@speechfold/core';
import { runEngineConformance, randomMatrix, referenceMatmul, maxAbsDiff } from '@speechfold/engine-testkit';
import { requireOnnxruntime } from './load-onnxruntime';
import { createOnnxruntimeEngine } from './onnxruntime-engine';

runEngineConformance('onnxruntime', (options) => createOnnxruntimeEngine(options));

describe('createOnnxruntimeEngine', () => {
  it("is named 'onnxruntime' and works on one thread", async () => {
    const engine = await createOnnxruntimeEngine({ threads: 1 });
    try {
      expect(engine.name).toBe('onnxruntime');
      const random = new Random(11);
      const a = randomMatrix(random, 9, 4);
      const b = randomMatrix(random, 4, 6);
      const result = await engine.matmul(a, b);
      expect(maxAbsDiff(result.data, referenceMatmul(a, b, false, false))).toBeLessThan(1e-5);
    } finally {
      await engine.dispose();
    }
  });

  it('rejects a non-positive thread count or block size with OptionError', async () => {
    await expect(createOnnxruntimeEngine({ threads: 0 })).rejects.toBeInstanceOf(OptionError);
    await expect(createOnnxruntimeEngine({ maxBlockBytes: 1.5 })).rejects.toThrow(/positive integer/);
  });

  it('refuses work after dispose, with EngineError', async () => {
    const engine = await createOnnxruntimeEngine();
    await engine.dispose();
    await engine.dispose(); // twice is harmless
    await expect(engine.rowSquaredNorms({ data: Float32Array.of(1), rows: 1, cols: 1 })).rejects.toBeInstanceOf(EngineError);
  });
});

describe('requireOnnxruntime', () => {
  it('turns a missing module into an EngineError that says it is not installed', () => {
    expect(() => requireOnnxruntime('onnxruntime-node-that-does-not-exist')).toThrow(EngineError);
    expect(() => requireOnnxruntime('onnxruntime-node-that-does-not-exist')).toThrow(
      "engine 'onnxruntime': onnxruntime-node-that-does-not-exist is not installed",
    );
  });
});
