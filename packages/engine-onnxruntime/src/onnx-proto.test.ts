import { requireOnnxruntime } from './load-onnxruntime';
import { ElemType, encodeModel, OnnxGraph } from './onnx-proto';

const ort = requireOnnxruntime();

async function runGraph(graph: OnnxGraph, feeds: Record<string, { data: Float32Array; dims: number[] }>) {
  const session = await ort.InferenceSession.create(encodeModel(graph));
  try {
    const tensors = Object.fromEntries(Object.entries(feeds).map(([name, f]) => [name, new ort.Tensor('float32', f.data, f.dims)]));
    return await session.run(tensors);
  } finally {
    await session.release();
  }
}

describe('encodeModel', () => {
  it('writes ir_version 8 first, as a varint field 1', () => {
    const bytes = encodeModel({ name: 'g', nodes: [], inputs: [], outputs: [] });
    expect(Array.from(bytes.subarray(0, 2))).toEqual([0x08, 0x08]);
  });

  it('builds a model onnxruntime loads, with symbolic dims serving any shape', async () => {
    const graph: OnnxGraph = {
      name: 'add',
      nodes: [{ opType: 'Add', inputs: ['a', 'b'], outputs: ['y'] }],
      inputs: [
        { name: 'a', elemType: ElemType.FLOAT, dims: ['n', 'm'] },
        { name: 'b', elemType: ElemType.FLOAT, dims: ['n', 'm'] },
      ],
      outputs: [{ name: 'y', elemType: ElemType.FLOAT }],
    };
    const session = await ort.InferenceSession.create(encodeModel(graph));
    try {
      expect(session.inputNames).toEqual(['a', 'b']);
      expect(session.outputNames).toEqual(['y']);
      for (const dims of [[1, 1], [2, 3]]) {
        const size = dims[0] * dims[1];
        const a = Float32Array.from({ length: size }, (_, i) => i);
        const b = Float32Array.from({ length: size }, (_, i) => 10 * i);
        const out = await session.run({ a: new ort.Tensor('float32', a, dims), b: new ort.Tensor('float32', b, dims) });
        expect(out.y.dims).toEqual(dims);
        expect(Array.from(out.y.data as Float32Array)).toEqual(Array.from(a, (v) => 11 * v));
      }
    } finally {
      await session.release();
    }
  });

  it('encodes float, int, negative int and ints attributes the way onnxruntime reads them', async () => {
    // Gemm alpha=0.5 (float), transB=1 (int); ArgMax axis=-1 (negative int64: 10-byte varint);
    // ReduceSum over axes=[0, 1] (ints) with keepdims=0.
    const graph: OnnxGraph = {
      name: 'attributes',
      nodes: [
        {
          opType: 'Gemm',
          inputs: ['a', 'b'],
          outputs: ['g'],
          attributes: [
            { name: 'alpha', kind: 'float', value: 0.5 },
            { name: 'transB', kind: 'int', value: 1 },
          ],
        },
        { opType: 'ArgMax', inputs: ['g'], outputs: ['arg'], attributes: [{ name: 'axis', kind: 'int', value: -1 }, { name: 'keepdims', kind: 'int', value: 0 }] },
        {
          opType: 'ReduceSumSquare',
          inputs: ['g'],
          outputs: ['total'],
          attributes: [{ name: 'axes', kind: 'ints', value: [0, 1] }, { name: 'keepdims', kind: 'int', value: 0 }],
        },
      ],
      inputs: [
        { name: 'a', elemType: ElemType.FLOAT, dims: ['m', 'k'] },
        { name: 'b', elemType: ElemType.FLOAT, dims: ['n', 'k'] },
      ],
      outputs: [
        { name: 'g', elemType: ElemType.FLOAT, dims: ['m', 'n'] },
        { name: 'arg', elemType: ElemType.INT64, dims: ['m'] },
        { name: 'total', elemType: ElemType.FLOAT, dims: [] },
      ],
    };
    // a = [[1, 2]], b = [[1, 0], [0, 1], [1, 1]]: a.b^T = [1, 2, 3], halved by alpha.
    const out = await runGraph(graph, {
      a: { data: Float32Array.of(1, 2), dims: [1, 2] },
      b: { data: Float32Array.of(1, 0, 0, 1, 1, 1), dims: [3, 2] },
    });
    expect(Array.from(out.g.data as Float32Array)).toEqual([0.5, 1, 1.5]);
    expect(Array.from(out.arg.data as BigInt64Array)).toEqual([2n]);
    expect((out.total.data as Float32Array)[0]).toBeCloseTo(0.25 + 1 + 2.25, 6);
  });

  it('writes initializers (float, int64) and nodes of another domain', async () => {
    // y = Gelu(Reshape(x, [2, 2]) x W^T + b), W and b and the shape as initializers, Gelu from com.microsoft.
    const graph: OnnxGraph = {
      name: 'initializers',
      nodes: [
        { opType: 'Reshape', inputs: ['x', 'shape'], outputs: ['x2'] },
        { opType: 'Gemm', inputs: ['x2', 'W', 'b'], outputs: ['g'], attributes: [{ name: 'transB', kind: 'int', value: 1 }] },
        { opType: 'Gelu', domain: 'com.microsoft', inputs: ['g'], outputs: ['y'] },
      ],
      initializers: [
        { name: 'shape', dims: [2], data: BigInt64Array.of(2n, 2n) },
        // A view into a bigger buffer: only its own bytes are written.
        { name: 'W', dims: [3, 2], data: Float32Array.of(9, 1, 0, 0, 1, 1, 1, 9).subarray(1, 7) },
        { name: 'b', dims: [3], data: Float32Array.of(0, 0, -1) },
      ],
      inputs: [{ name: 'x', elemType: ElemType.FLOAT, dims: [4] }],
      outputs: [{ name: 'y', elemType: ElemType.FLOAT, dims: [2, 3] }],
    };
    const session = await ort.InferenceSession.create(encodeModel(graph, 17, [{ domain: 'com.microsoft', version: 1 }]));
    try {
      const out = await session.run({ x: new ort.Tensor('float32', Float32Array.of(1, 2, 3, 0), [4]) });
      // rows [1, 2] and [3, 0] times W^T = [[1, 0], [0, 1], [1, 1]], plus b: [1, 2, 2] and [3, 0, 2].
      const gelu = (v: number): number => (v === 0 ? 0 : v * 0.5 * (1 + erf(v / Math.SQRT2)));
      const want = [1, 2, 2, 3, 0, 2].map(gelu);
      Array.from(out.y.data as Float32Array).forEach((v, i) => expect(v).toBeCloseTo(want[i], 5));
    } finally {
      await session.release();
    }
  });

  it('rejects an initializer whose dims do not match its data', () => {
    const graph: OnnxGraph = { name: 'bad', nodes: [], inputs: [], outputs: [], initializers: [{ name: 'w', dims: [2, 2], data: new Float32Array(3) }] };
    expect(() => encodeModel(graph)).toThrow(/dims \[2, 2\] hold 4 values, data has 3/);
  });
});

/** erf by its Maclaurin series, exact to double precision for the |x| < 3 the test needs. */
function erf(x: number): number {
  let sum = 0;
  let term = x;
  for (let n = 0; n < 60; n++) {
    sum += term / (2 * n + 1);
    term *= (-x * x) / (n + 1);
  }
  return (2 / Math.sqrt(Math.PI)) * sum;
}
