/** Linear layers as PyTorch stores them: weight [out, in], y = x W^T + b. */
import { Matrix, Tensor, TensorEngine } from '@speechfold/core';
import { checkMatrix, checkTensorShape, shapeError } from './checks';
import { matmulAuto, MatmulAutoOptions } from './matmul';

/** Adds bias[c] to every row's column c, in place. */
export function addBiasInPlace(x: Matrix, bias: Float32Array): Matrix {
  if (bias.length !== x.cols) throw shapeError('addBias', `bias has ${bias.length} values for ${x.cols} columns`);
  const { data, rows, cols } = x;
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    for (let c = 0; c < cols; c++) data[base + c] += bias[c];
  }
  return x;
}

/** x [rows, in] times weight [out, in] transposed, plus bias [out]: [rows, out]. */
export async function linear(
  engine: TensorEngine,
  x: Matrix,
  weight: Tensor,
  bias?: Tensor,
  options: Pick<MatmulAutoOptions, 'engineMinWork'> = {},
): Promise<Matrix> {
  checkMatrix('linear', 'x', x);
  if (weight.shape.length !== 2) throw shapeError('linear', `weight must be 2-D, got [${weight.shape.join(', ')}]`);
  const [out, inDim] = weight.shape;
  checkTensorShape('linear', 'weight', weight, [out, x.cols]);
  if (bias !== undefined) checkTensorShape('linear', 'bias', bias, [out]);
  const w: Matrix = { data: weight.data, rows: out, cols: inDim };
  const y = await matmulAuto(engine, x, w, { transposeB: true, engineMinWork: options.engineMinWork });
  // The engine may hand back a buffer it shares; adding in place is safe because every result is fresh.
  return bias === undefined ? y : addBiasInPlace(y, bias.data);
}
