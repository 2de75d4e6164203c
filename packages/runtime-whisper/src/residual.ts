/** Small in-place steps of the transformer layers (the residual adds and the query scaling). */
import type { Matrix } from '@speechfold/core';

/** h += x, element-wise (the residual connection); returns h. */
export function addInPlace(h: Matrix, x: Matrix): Matrix {
  const a = h.data;
  const b = x.data;
  for (let i = 0; i < a.length; i++) a[i] += b[i];
  return h;
}

/** m *= s, element-wise; returns m. */
export function scaleInPlace(m: Matrix, s: number): Matrix {
  const a = m.data;
  for (let i = 0; i < a.length; i++) a[i] *= s;
  return m;
}
