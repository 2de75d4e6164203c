/** Row-wise softmax, numerically stable (the row maximum is subtracted before exp). */
import { Matrix } from '@speechfold/core';
import { checkMatrix, shapeError } from './checks';

/**
 * softmax(scale * row) for every row of x, in place; returns x. `scale` lets attention fold its
 * 1/sqrt(d) into this pass (scale > 0, so the row maximum stays the maximum). Entries of -Infinity (masked) become 0; a row of only -Infinity becomes 0s.
 */
export function softmaxRowsInPlace(x: Matrix, scale = 1): Matrix {
  checkMatrix('softmaxRows', 'x', x);
  if (!(scale > 0 && Number.isFinite(scale))) throw shapeError('softmaxRows', `scale must be positive and finite, got ${scale}`);
  const { data, rows, cols } = x;
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    let max = -Infinity;
    for (let c = 0; c < cols; c++) if (data[base + c] > max) max = data[base + c];
    if (max === -Infinity) {
      data.fill(0, base, base + cols);
      continue;
    }
    const shift = max * scale;
    let sum = 0;
    for (let c = 0; c < cols; c++) {
      const e = Math.exp(data[base + c] * scale - shift);
      data[base + c] = e;
      sum += e;
    }
    const inv = 1 / sum;
    for (let c = 0; c < cols; c++) data[base + c] *= inv;
  }
  return x;
}

/** Row-wise softmax of x in place (returns x, so `softmaxRows(copy)` keeps the input). */
export function softmaxRows(x: Matrix): Matrix {
  return softmaxRowsInPlace(x, 1);
}
