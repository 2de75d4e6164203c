/**
 * Lloyd and Hartigan passes on the pairwise matrix P, without touching the features again.
 *
 * With P[i, j] = |x_i - x_j|^2, the squared distance from a point y to the mean of cluster A
 * (n_A points) is, exactly,
 *     |y - mean_A|^2 = S(y, A) / n_A - W_A / (2 n_A^2),
 * where S(y, A) = sum_{j in A} P[y, j] and W_A = sum_{j, l in A} P[j, l]. So once P exists (one
 * GEMM, needed anyway by the seeding), a full assignment pass costs O(N^2 + N K) in JavaScript
 * instead of an O(N K D) GEMM per iteration: for the Whisper shape (N=5120, K=4608, D=2561) that is
 * ~50M simple operations instead of ~121 GFLOP. The final centroids and inertia are recomputed
 * exactly from the features (means.ts), so P's float32 rounding only affects which local
 * optimum is found, never what is reported.
 */
import path from 'node:path';
import { runRanges, sharedFloat32, sharedFloat64, sharedInt32, type ThreadOptions } from '@speechfold/core';
import { fillEmptyClusters } from './lloyd';
import { clusterSizes } from './means';

/** A pairwise squared-distance matrix: N x N, symmetric, zero diagonal. */
export interface Pairwise {
  data: Float32Array;
  n: number;
}

/** Stopping rule shared with the engine-based Lloyd. */
export interface PassOptions {
  maxIter: number;
  tol: number;
}

/** Labels after some passes, and how many passes ran. */
export interface PassResult {
  labels: Int32Array;
  iterations: number;
}

/** Points ordered by cluster: cluster c holds members[start[c] .. start[c+1]). */
export interface Grouping {
  start: Int32Array;
  members: Int32Array;
}

/** Counting sort of the points by label, so each cluster's members are contiguous. */
export function groupByCluster(labels: Int32Array, k: number): Grouping {
  const sizes = clusterSizes(labels, k);
  const start = new Int32Array(k + 1);
  for (let c = 0; c < k; c++) start[c + 1] = start[c] + sizes[c];
  const fill = start.slice(0, k);
  const members = new Int32Array(labels.length);
  for (let i = 0; i < labels.length; i++) members[fill[labels[i]]++] = i;
  return { start, members };
}

/** W_A = sum over pairs (j, l) in A of P[j, l], for every cluster; O(sum of n_A^2) <= O(N^2). */
export function withinSums(p: Pairwise, grouping: Grouping, k: number): Float64Array {
  const { start, members } = grouping;
  const within = new Float64Array(k);
  for (let c = 0; c < k; c++) {
    let sum = 0;
    for (let a = start[c]; a < start[c + 1]; a++) {
      const row = members[a] * p.n;
      for (let b = start[c]; b < start[c + 1]; b++) sum += p.data[row + members[b]];
    }
    within[c] = sum;
  }
  return within;
}

/**
 * The first Lloyd assignment: every point to its nearest center point (ties to the lowest center
 * index, as the engine's nearest does). Centers that are duplicates of another lose all their
 * points, so empty clusters are filled as in every Lloyd pass.
 */
export function assignToCenters(p: Pairwise, centers: Int32Array): Int32Array {
  const labels = new Int32Array(p.n);
  const distance = new Float64Array(p.n);
  for (let y = 0; y < p.n; y++) {
    let best = 0;
    let bestDistance = Infinity;
    for (let c = 0; c < centers.length; c++) {
      const d = p.data[y * p.n + centers[c]];
      if (d < bestDistance) {
        bestDistance = d;
        best = c;
      }
    }
    labels[y] = best;
    distance[y] = bestDistance;
  }
  fillEmptyClusters(labels, distance, centers.length);
  return labels;
}

const KERNELS = path.join(__dirname, 'pairwise-kernels');

/** P on a SharedArrayBuffer when the pool has threads to share it with (a copy), else as it is. */
export function sharedPairwise(p: Pairwise, threads: ThreadOptions | undefined): Pairwise {
  if (threads === undefined || threads.pool.size === 1 || p.data.buffer instanceof SharedArrayBuffer) return p;
  return { data: sharedFloat32(p.data.length, p.data), n: p.n };
}

/** The threads a pass on `p` uses: none unless P is shared with them (sharedPairwise). */
function passThreads(p: Pairwise, threads: ThreadOptions | undefined): ThreadOptions | undefined {
  return threads !== undefined && threads.pool.size > 1 && p.data.buffer instanceof SharedArrayBuffer ? threads : undefined;
}

/** The grouping as arrays a kernel can read (shared when threads are used). */
function groupingArgs(p: Pairwise, grouping: Grouping, k: number, shared: boolean) {
  const copy = (a: Int32Array): Int32Array => (shared ? sharedInt32(a.length, a) : a);
  return { p: p.data, n: p.n, k, start: copy(grouping.start), members: copy(grouping.members) };
}

/**
 * Lloyd on P from `labels` (one assignment already counted in `done`): reassign every point to its
 * nearest cluster mean until the relative decrease of inertia is below tol or maxIter is reached.
 * Clusters left empty get the farthest points, as in the engine-based Lloyd. With `threads` (P on a
 * SharedArrayBuffer: sharedPairwise) the points are split across the pool, with the same result.
 */
export async function pairwiseLloyd(
  p: Pairwise,
  labels: Int32Array,
  k: number,
  options: PassOptions,
  done = 1,
  threads?: ThreadOptions,
): Promise<PassResult> {
  const on = passThreads(p, threads);
  const shared = on !== undefined;
  const int32 = (length: number): Int32Array => (shared ? sharedInt32(length) : new Int32Array(length));
  const float64 = (length: number): Float64Array => (shared ? sharedFloat64(length) : new Float64Array(length));
  let current = labels;
  let iterations = done;
  let previous = Infinity;
  while (iterations < options.maxIter) {
    const sizes = clusterSizes(current, k);
    const grouping = groupByCluster(current, k);
    const within = withinSums(p, grouping, k);
    const scale = float64(k);
    const offset = float64(k);
    for (let c = 0; c < k; c++) {
      scale[c] = 1 / sizes[c];
      offset[c] = within[c] / (2 * sizes[c] * sizes[c]);
    }
    const next = int32(p.n);
    const distance = float64(p.n);
    const args = { ...groupingArgs(p, grouping, k, shared), sizes: shared ? sharedInt32(k, sizes) : sizes, scale, offset, next, distance };
    await runRanges(on, KERNELS, 'lloydRange', [0, p.n], p.n * p.n, args);
    iterations++;
    fillEmptyClusters(next, distance, k);
    current = shared ? new Int32Array(next) : next;
    let inertia = 0;
    for (let y = 0; y < p.n; y++) inertia += distance[y];
    if (inertia === 0 || (previous !== Infinity && previous - inertia <= options.tol * previous)) break;
    previous = inertia;
  }
  return { labels: current, iterations };
}

/** Row sums computed ahead per Hartigan block: about this many values (8 MiB) at a time. */
const HARTIGAN_BLOCK_VALUES = 1 << 20;

/** Smallest gain, relative to the cost it removes, that a Hartigan move must make: P's float32 noise. */
const MIN_RELATIVE_GAIN = 1e-6;

/**
 * Hartigan sweeps on P, in point order, updating `labels` in place: move point x from A (n_A > 1)
 * to B when  n_B/(n_B+1) |x - mean_B|^2 < n_A/(n_A-1) |x - mean_A|^2,  which lowers the objective
 * by the difference (both means move with x). Each move updates W_A, W_B and the sizes, so later
 * points of the sweep see exact, current means. Stops when a sweep lowers the objective by less
 * than tol (relative), makes no move, or the total reaches maxIter.
 *
 * A point's sums over the clusters of the sweep's start (the costly O(N) gathers) do not depend on
 * the moves, which are corrected for afterwards: with `threads` they are computed ahead, a block of
 * points at a time, on the pool while this thread makes the moves of the block before (same labels).
 */
export async function pairwiseHartigan(
  p: Pairwise,
  labels: Int32Array,
  k: number,
  options: PassOptions,
  done: number,
  threads?: ThreadOptions,
): Promise<PassResult> {
  const on = passThreads(p, threads);
  const shared = on !== undefined;
  let iterations = done;
  // Cost of adding x to b is sums[b] * addScale[b] - addOffset[b] (kept current as sizes change).
  const addScale = new Float64Array(k);
  const addOffset = new Float64Array(k);
  const refresh = (c: number, size: number, within: number): void => {
    addScale[c] = 1 / (size + 1);
    addOffset[c] = size > 0 ? within / (2 * size * (size + 1)) : 0;
  };
  while (iterations < options.maxIter) {
    const sizes = clusterSizes(labels, k);
    // Grouping and W are rebuilt every sweep, so rounding in the running updates cannot accumulate;
    // points moved during the sweep are corrected for from the `moved` list.
    const grouping = groupByCluster(labels, k);
    const within = withinSums(p, grouping, k);
    const moved: number[] = [];
    const origin = labels.slice();
    let objective = 0;
    for (let c = 0; c < k; c++) {
      if (sizes[c] > 0) objective += within[c] / (2 * sizes[c]);
      refresh(c, sizes[c], within[c]);
    }
    let gained = 0;
    let moves = 0;
    const gather = groupingArgs(p, grouping, k, shared);
    const block = Math.max(1, Math.min(p.n, Math.floor(HARTIGAN_BLOCK_VALUES / k)));
    const rowSums = (x0: number): Promise<Float64Array> => {
      const x1 = Math.min(p.n, x0 + block);
      const out = shared ? sharedFloat64((x1 - x0) * k) : new Float64Array((x1 - x0) * k);
      return runRanges(on, KERNELS, 'rowSumsRange', [x0, x1], (x1 - x0) * p.n, { ...gather, out, base: x0 }).then(() => out);
    };
    let ahead = rowSums(0);
    let blockSums: Float64Array = new Float64Array(0);
    for (let x = 0; x < p.n; x++) {
      if (x % block === 0) {
        blockSums = await ahead;
        if (x + block < p.n) ahead = rowSums(x + block);
      }
      const a = labels[x];
      const na = sizes[a];
      if (na <= 1) continue;
      const sums = blockSums.subarray((x % block) * k, (x % block + 1) * k);
      const row = x * p.n;
      for (const m of moved) {
        sums[origin[m]] -= p.data[row + m];
        sums[labels[m]] += p.data[row + m];
      }
      const remove = sums[a] / (na - 1) - within[a] / (2 * na * (na - 1));
      let best = -1;
      let bestAdd = remove;
      for (let b = 0; b < k; b++) {
        const add = sums[b] * addScale[b] - addOffset[b];
        if (add < bestAdd && b !== a) {
          bestAdd = add;
          best = b;
        }
      }
      if (best < 0 || remove - bestAdd <= MIN_RELATIVE_GAIN * remove) continue;
      // x leaves A: pairs (x, j in A) go; x joins B: pairs (x, j in B) come (P[x, x] = 0).
      within[a] -= 2 * sums[a];
      within[best] += 2 * sums[best];
      sizes[a] = na - 1;
      sizes[best]++;
      refresh(a, sizes[a], within[a]);
      refresh(best, sizes[best], within[best]);
      labels[x] = best;
      moved.push(x);
      gained += remove - bestAdd;
      moves++;
    }
    iterations++;
    if (moves === 0 || gained <= options.tol * objective) break;
  }
  return { labels, iterations };
}
