/**
 * The positional conv's weight norm. HF wraps it in weight_norm(conv, name='weight', dim=2), so the
 * effective weight is w[o, i, k] = g[k] * v[o, i, k] / ||v[:, :, k]||: one norm per kernel tap,
 * taken over every dim except dim 2.
 */
import { Tensor } from '@speechfold/core';

/** The effective conv weight from magnitude g [1, 1, kernel] and direction v [out, in/groups, kernel]. */
export function weightNormDim2(g: Tensor, v: Tensor): Tensor {
  const kernel = v.shape[2];
  const rows = v.shape[0] * v.shape[1];
  const sq = new Float64Array(kernel);
  for (let r = 0; r < rows; r++) {
    const base = r * kernel;
    for (let k = 0; k < kernel; k++) sq[k] += v.data[base + k] * v.data[base + k];
  }
  // torch divides by the plain norm (no epsilon); a zero slice gives NaN there too.
  const scale = new Float64Array(kernel);
  for (let k = 0; k < kernel; k++) scale[k] = g.data[k] / Math.sqrt(sq[k]);
  const out = new Float32Array(v.data.length);
  for (let r = 0; r < rows; r++) {
    const base = r * kernel;
    for (let k = 0; k < kernel; k++) out[base + k] = v.data[base + k] * scale[k];
  }
  return { shape: [...v.shape], data: out };
}
