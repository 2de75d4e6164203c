/**
 * The per-point loops of the Lloyd and Hartigan passes on P (pairwise-kmeans.ts), as kernels that
 * the thread pool (core threads.ts) runs on a range of points in any thread. A point's sums and
 * choice are computed by the same arithmetic in the same order whichever range it falls in, so the
 * passes give the same labels however the points are split.
 */

/** A grouping of the points (members of cluster c at start[c] .. start[c + 1]) and the matrix P. */
export interface RowSumArgs {
  /** P, N x N. */
  p: Float32Array;
  n: number;
  k: number;
  start: Int32Array;
  members: Int32Array;
  from: number;
  to: number;
}

/** sums[c] = S(y, c): the sum of P[y, j] over the members j of cluster c, in member order. */
export function clusterRowSums(args: Omit<RowSumArgs, 'from' | 'to'>, y: number, sums: Float64Array, offset = 0): void {
  const { p, n, k, start, members } = args;
  const row = y * n;
  for (let c = 0; c < k; c++) {
    let s = 0;
    for (let a = start[c]; a < start[c + 1]; a++) s += p[row + members[a]];
    sums[offset + c] = s;
  }
}

/** Row sums of points [from, to) into a block's array that starts at point `base`: out[(y - base) * k + c] = S(y, c). */
export function rowSumsRange(args: RowSumArgs & { out: Float64Array; base: number }): void {
  for (let y = args.from; y < args.to; y++) clusterRowSums(args, y, args.out, (y - args.base) * args.k);
}

/** Inputs and outputs of one Lloyd assignment of points [from, to). */
export interface LloydArgs extends RowSumArgs {
  sizes: Int32Array;
  /** |y - mean_c|^2 = S(y, c) * scale[c] - offset[c]. */
  scale: Float64Array;
  offset: Float64Array;
  /** Outputs: each point's nearest cluster and its (clamped) squared distance. */
  next: Int32Array;
  distance: Float64Array;
}

/** Assigns points [from, to) to their nearest non-empty cluster mean (ties to the lower index). */
export function lloydRange(args: LloydArgs): void {
  const { k, sizes, scale, offset, next, distance, from, to } = args;
  const sums = new Float64Array(k);
  for (let y = from; y < to; y++) {
    clusterRowSums(args, y, sums);
    let best = 0;
    let bestDistance = Infinity;
    for (let c = 0; c < k; c++) {
      if (sizes[c] === 0) continue;
      const d = sums[c] * scale[c] - offset[c];
      if (d < bestDistance) {
        bestDistance = d;
        best = c;
      }
    }
    next[y] = best;
    distance[y] = bestDistance > 0 ? bestDistance : 0;
  }
}
