/**
 * The small ONNX graphs behind each kernel. Every dim is symbolic, so one InferenceSession per graph
 * kind serves all shapes.
 */
import { ElemType, OnnxAttribute, OnnxGraph, OnnxNode } from './onnx-proto';

/** The kernels this engine runs, one session each; matmul has one per transpose combination. */
export type GraphKind =
  | 'matmul-nn'
  | 'matmul-nt'
  | 'matmul-tn'
  | 'matmul-tt'
  | 'squared-distances'
  | 'nearest'
  | 'row-squared-norms'
  | 'matmul-nt-f64';

const int = (name: string, value: number): OnnxAttribute => ({ name, kind: 'int', value });
const float = (name: string, value: number): OnnxAttribute => ({ name, kind: 'float', value });
const ints = (name: string, value: number[]): OnnxAttribute => ({ name, kind: 'ints', value });

/** Y = op(A) x op(B) with Gemm, whose transA/transB attributes avoid materialising a transpose. */
function matmulGraph(transA: boolean, transB: boolean): OnnxGraph {
  return {
    name: `matmul_${transA ? 't' : 'n'}${transB ? 't' : 'n'}`,
    nodes: [
      {
        opType: 'Gemm',
        inputs: ['A', 'B'],
        outputs: ['Y'],
        attributes: [int('transA', transA ? 1 : 0), int('transB', transB ? 1 : 0)],
      },
    ],
    inputs: [
      { name: 'A', elemType: ElemType.FLOAT, dims: ['a_rows', 'a_cols'] },
      { name: 'B', elemType: ElemType.FLOAT, dims: ['b_rows', 'b_cols'] },
    ],
    outputs: [{ name: 'Y', elemType: ElemType.FLOAT }],
  };
}

/**
 * Nodes computing D = max(0, |x|^2 + |c|^2 - 2 x.c^T) from inputs X [n, d] and C [k, d].
 * Gemm's bias input takes |c|^2 (broadcast over rows), so the only extra n x k passes are one Add
 * and one Relu; the Relu clamps the small negatives cancellation leaves where x is close to c.
 */
function distanceNodes(): OnnxNode[] {
  return [
    { opType: 'ReduceSumSquare', inputs: ['X'], outputs: ['xx'], attributes: [ints('axes', [1]), int('keepdims', 1)] },
    { opType: 'ReduceSumSquare', inputs: ['C'], outputs: ['cc'], attributes: [ints('axes', [1]), int('keepdims', 0)] },
    {
      opType: 'Gemm',
      inputs: ['X', 'C', 'cc'],
      outputs: ['cc_minus_2xc'],
      attributes: [float('alpha', -2), float('beta', 1), int('transB', 1)],
    },
    { opType: 'Add', inputs: ['cc_minus_2xc', 'xx'], outputs: ['unclamped'] },
    { opType: 'Relu', inputs: ['unclamped'], outputs: ['D'] },
  ];
}

const distanceInputs = [
  { name: 'X', elemType: ElemType.FLOAT, dims: ['n', 'd'] },
  { name: 'C', elemType: ElemType.FLOAT, dims: ['k', 'd'] },
] as const;

/** D [n, k] = squared Euclidean distances between rows of X and rows of C. */
function squaredDistancesGraph(): OnnxGraph {
  return {
    name: 'squared_distances',
    nodes: distanceNodes(),
    inputs: distanceInputs,
    outputs: [{ name: 'D', elemType: ElemType.FLOAT, dims: ['n', 'k'] }],
  };
}

/**
 * index [n] (int32) and distance [n] of the nearest row of C, in one run so D never leaves the
 * native side. ArgMin with select_last_index=0 returns the first minimum: ties pick the lowest index.
 */
function nearestGraph(): OnnxGraph {
  return {
    name: 'nearest',
    nodes: [
      ...distanceNodes(),
      {
        opType: 'ArgMin',
        inputs: ['D'],
        outputs: ['index64'],
        attributes: [int('axis', 1), int('keepdims', 0), int('select_last_index', 0)],
      },
      // ArgMin yields int64; int32 is what NearestResult holds, and k never reaches 2^31.
      { opType: 'Cast', inputs: ['index64'], outputs: ['index'], attributes: [int('to', ElemType.INT32)] },
      { opType: 'ReduceMin', inputs: ['D'], outputs: ['distance'], attributes: [ints('axes', [1]), int('keepdims', 0)] },
    ],
    inputs: distanceInputs,
    outputs: [
      { name: 'index', elemType: ElemType.INT32, dims: ['n'] },
      { name: 'distance', elemType: ElemType.FLOAT, dims: ['n'] },
    ],
  };
}

/** Y [n] = squared L2 norm of every row of X [n, d]. */
function rowSquaredNormsGraph(): OnnxGraph {
  return {
    name: 'row_squared_norms',
    nodes: [
      { opType: 'ReduceSumSquare', inputs: ['X'], outputs: ['Y'], attributes: [ints('axes', [1]), int('keepdims', 0)] },
    ],
    inputs: [{ name: 'X', elemType: ElemType.FLOAT, dims: ['n', 'd'] }],
    outputs: [{ name: 'Y', elemType: ElemType.FLOAT, dims: ['n'] }],
  };
}

/**
 * Y [n, p] = A B^T + bias with A [n, d], B [p, d] and bias [n, 1] cast to float64, one float64 Gemm
 * (products and sums in float64), and Y rounded to float32 once.
 */
function matmulTransposedFloat64Graph(): OnnxGraph {
  const toDouble = (from: string): OnnxNode => ({ opType: 'Cast', inputs: [from], outputs: [`${from}64`], attributes: [int('to', ElemType.DOUBLE)] });
  return {
    name: 'matmul_nt_f64',
    nodes: [
      toDouble('A'),
      toDouble('B'),
      toDouble('bias'),
      { opType: 'Gemm', inputs: ['A64', 'B64', 'bias64'], outputs: ['Y64'], attributes: [int('transB', 1)] },
      { opType: 'Cast', inputs: ['Y64'], outputs: ['Y'], attributes: [int('to', ElemType.FLOAT)] },
    ],
    inputs: [
      { name: 'A', elemType: ElemType.FLOAT, dims: ['n', 'd'] },
      { name: 'B', elemType: ElemType.FLOAT, dims: ['p', 'd'] },
      { name: 'bias', elemType: ElemType.FLOAT, dims: ['n', 1] },
    ],
    outputs: [{ name: 'Y', elemType: ElemType.FLOAT, dims: ['n', 'p'] }],
  };
}

/** The graph for one kernel. */
export function buildGraph(kind: GraphKind): OnnxGraph {
  switch (kind) {
    case 'matmul-nn':
      return matmulGraph(false, false);
    case 'matmul-nt':
      return matmulGraph(false, true);
    case 'matmul-tn':
      return matmulGraph(true, false);
    case 'matmul-tt':
      return matmulGraph(true, true);
    case 'squared-distances':
      return squaredDistancesGraph();
    case 'nearest':
      return nearestGraph();
    case 'row-squared-norms':
      return rowSquaredNormsGraph();
    case 'matmul-nt-f64':
      return matmulTransposedFloat64Graph();
  }
}

/** The matmul graph kind for a transpose combination. */
export function matmulKind(transposeA: boolean, transposeB: boolean): GraphKind {
  return `matmul-${transposeA ? 't' : 'n'}${transposeB ? 't' : 'n'}` as GraphKind;
}
