import { EngineError, OptionError, Random } from '@speechfold/core';
import { runEngineConformance, randomMatrix, referenceMatmul, maxAbsDiff } from '@speechfold/engine-testkit';
import { requireOnnxruntime } from './load-onnxruntime';
import { createOnnxruntimeEngine, graphRunnerOf } from './onnxruntime-engine';
import { ElemType } from './onnx-proto';

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

describe('graphRunnerOf', () => {
  it('runs a caller-built graph with initializers, and refuses it after release or dispose', async () => {
    const engine = await createOnnxruntimeEngine({ threads: 1 });
    try {
      const runner = graphRunnerOf(engine);
      expect(runner).toBeDefined();
      const session = await runner!.createGraphSession({
        name: 'scale',
        nodes: [{ opType: 'Mul', inputs: ['x', 'k'], outputs: ['y'] }],
        initializers: [{ name: 'k', dims: [], data: Float32Array.of(3) }],
        inputs: [{ name: 'x', elemType: ElemType.FLOAT, dims: ['n'] }],
        outputs: [{ name: 'y', elemType: ElemType.FLOAT, dims: ['n'] }],
      });
      const out = await session.run({ x: { data: Float32Array.of(1, 2), dims: [2] } });
      expect(Array.from(out.y.data as Float32Array)).toEqual([3, 6]);
      expect(out.y.dims).toEqual([2]);
      await session.release();
      await expect(session.run({ x: { data: Float32Array.of(1), dims: [1] } })).rejects.toBeInstanceOf(EngineError);
      const second = await runner!.createGraphSession({
        name: 'id',
        nodes: [{ opType: 'Identity', inputs: ['x'], outputs: ['y'] }],
        inputs: [{ name: 'x', elemType: ElemType.FLOAT }],
        outputs: [{ name: 'y', elemType: ElemType.FLOAT }],
      });
      await engine.dispose();
      await expect(second.run({ x: { data: Float32Array.of(1), dims: [1] } })).rejects.toBeInstanceOf(EngineError);
    } finally {
      await engine.dispose();
    }
  });

  it('turns a graph onnxruntime rejects into EngineError, and is undefined for other engines', async () => {
    const engine = await createOnnxruntimeEngine({ threads: 1 });
    try {
      const bad = { name: 'bad', nodes: [{ opType: 'NoSuchOp', inputs: ['x'], outputs: ['y'] }], inputs: [{ name: 'x', elemType: ElemType.FLOAT }], outputs: [{ name: 'y', elemType: ElemType.FLOAT }] };
      await expect(graphRunnerOf(engine)!.createGraphSession(bad)).rejects.toBeInstanceOf(EngineError);
    } finally {
      await engine.dispose();
    }
    expect(graphRunnerOf({ ...engine, name: 'js' } as never)).toBeUndefined();
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
