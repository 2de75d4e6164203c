/**
 * Exact cluster statistics in JavaScript: centroids as means and inertia, both accumulated in
 * float64. These are O(N x D), cheap beside the engine's O(N x K x D) distance work, and keeping
 * them exact makes the reported inertia the true objective of the returned labels.
 */
import type { Matrix } from '@speechfold/core';

/** Number of points in each of the k clusters. */
export function clusterSizes(labels: Int32Array, k: number): Int32Array {
  const sizes = new Int32Array(k);
  for (let i = 0; i < labels.length; i++) sizes[labels[i]]++;
  return sizes;
}

/**
 * The k x d centroids: mean of each cluster's rows, summed in float64 and rounded to float32.
 * Points are visited cluster by cluster, so one d-long float64 accumulator serves every cluster
 * (a k x d float64 array would be 94 MB at the Whisper shape, and slow to allocate).
 */
export function clusterMeans(x: Matrix, labels: Int32Array, k: number): Matrix {
  const d = x.cols;
  const sizes = clusterSizes(labels, k);
  const start = new Int32Array(k + 1);
  for (let c = 0; c < k; c++) start[c + 1] = start[c] + sizes[c];
  const fill = start.slice(0, k);
  const members = new Int32Array(labels.length);
  for (let i = 0; i < labels.length; i++) members[fill[labels[i]]++] = i;

  const out = new Float32Array(k * d);
  const sum = new Float64Array(d);
  for (let c = 0; c < k; c++) {
    const size = start[c + 1] - start[c];
    const co = c * d;
    // An empty cluster has no mean; callers never leave one, and 0 keeps the array finite.
    if (size === 0) continue;
    if (size === 1) {
      // The mean of one point is the point itself, exactly.
      const xo = members[start[c]] * d;
      out.set(x.data.subarray(xo, xo + d), co);
      continue;
    }
    sum.fill(0);
    for (let a = start[c]; a < start[c + 1]; a++) {
      const xo = members[a] * d;
      for (let t = 0; t < d; t++) sum[t] += x.data[xo + t];
    }
    for (let t = 0; t < d; t++) out[co + t] = sum[t] / size;
  }
  return { data: out, rows: k, cols: d };
}

/** Sum over points of the squared distance to their centroid, in float64. */
export function exactInertia(x: Matrix, labels: Int32Array, centroids: Matrix): number {
  const d = x.cols;
  let total = 0;
  for (let i = 0; i < x.rows; i++) {
    const xo = i * d;
    const co = labels[i] * d;
    let sum = 0;
    for (let t = 0; t < d; t++) {
      const diff = x.data[xo + t] - centroids.data[co + t];
      sum += diff * diff;
    }
    total += sum;
  }
  return total;
}

/** The rows of x at the given indices, as a new matrix. */
export function gatherRows(x: Matrix, indices: ArrayLike<number>): Matrix {
  const d = x.cols;
  const out = new Float32Array(indices.length * d);
  for (let r = 0; r < indices.length; r++) out.set(x.data.subarray(indices[r] * d, (indices[r] + 1) * d), r * d);
  return { data: out, rows: indices.length, cols: d };
}
