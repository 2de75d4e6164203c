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
});
