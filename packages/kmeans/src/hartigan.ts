/**
 * Hartigan refinement after Lloyd, engine route (when the pairwise matrix does not fit; the
 * pairwise route's version is in pairwise-kmeans.ts): single-point moves that Lloyd cannot see.
 *
 * Moving point x from cluster A (n_A > 1 points, mean a) to cluster B (n_B points, mean b) changes
 * the exact k-means objective by  n_B/(n_B+1) |x-b|^2 - n_A/(n_A-1) |x-a|^2,  because both means
 * move with the point. Lloyd only compares |x-b|^2 with |x-a|^2, so it stops at states where such
 * moves still pay: most of all when K is near N and clusters hold one or two points (Whisper at
 * 10% sparsity), where a pair {x, y} costs |x-y|^2/2 and Lloyd keeps x there unless another
 * centroid is 4x closer. Each move lowers the objective, and a state where no move pays is also
 * a Lloyd fixed point.
 *
 * One sweep costs one engine call (all point-to-centroid distances) and O(N x K) JavaScript. To
 * use only exact, fresh distances, a cluster that gains or loses a point is locked for the rest of
 * the sweep, and each move is re-checked with float64 distances before it is made.
 */
import type { Matrix, TensorEngine } from '@speechfold/core';
import type { LloydResult } from './lloyd';
import { clusterMeans, clusterSizes, exactInertia } from './means';

/** Squared distance between row i of x and row c of centroids, in float64. */
function exactDistance(x: Matrix, i: number, centroids: Matrix, c: number): number {
  const d = x.cols;
  let sum = 0;
  for (let t = 0; t < d; t++) {
    const diff = x.data[i * d + t] - centroids.data[c * d + t];
    sum += diff * diff;
  }
  return sum;
}

/** The cheapest cluster to add point i to (not `from`, not locked), and its added cost. */
function bestTarget(
  row: Float32Array,
  from: number,
  sizes: Int32Array,
  locked: Uint8Array,
): { target: number; cost: number } {
  let target = -1;
  let cost = Infinity;
  for (let b = 0; b < row.length; b++) {
    if (b === from || locked[b] === 1) continue;
    const add = (sizes[b] / (sizes[b] + 1)) * row[b];
    if (add < cost) {
      cost = add;
      target = b;
    }
  }
  return { target, cost };
}

/** Byte size of one block of point-to-centroid distances asked of the engine. */
const BLOCK_BYTES = 64 * 1024 * 1024;

/** Squared distances from every point to every centroid, N x K, in bounded engine calls. */
async function allDistances(engine: TensorEngine, x: Matrix, centroids: Matrix): Promise<Float32Array> {
  const k = centroids.rows;
  const out = new Float32Array(x.rows * k);
  const step = Math.max(1, Math.floor(BLOCK_BYTES / (4 * k)));
  for (let start = 0; start < x.rows; start += step) {
    const end = Math.min(x.rows, start + step);
    const block = { data: x.data.subarray(start * x.cols, end * x.cols), rows: end - start, cols: x.cols };
    out.set((await engine.squaredDistances(block, centroids)).data, start * k);
  }
  return out;
}

/**
 * One Hartigan sweep: makes the best-paying single-point moves, at most one per cluster, updating
 * `labels` in place. `centroids` must be the means of `labels`. Returns the number of moves.
 */
export async function hartiganSweep(
  engine: TensorEngine,
  x: Matrix,
  labels: Int32Array,
  centroids: Matrix,
): Promise<number> {
  const n = x.rows;
  const k = centroids.rows;
  const distances = await allDistances(engine, x, centroids);
  const sizes = clusterSizes(labels, k);
  const none = new Uint8Array(k);

  // Best move of every point with all clusters free; the biggest gains are tried first.
  const gains = new Float64Array(n);
  const movers: number[] = [];
  for (let i = 0; i < n; i++) {
    const a = labels[i];
    if (sizes[a] <= 1) continue;
    const row = distances.subarray(i * k, (i + 1) * k);
    const remove = (sizes[a] / (sizes[a] - 1)) * row[a];
    const { cost } = bestTarget(row, a, sizes, none);
    if (cost < remove) {
      gains[i] = remove - cost;
      movers.push(i);
    }
  }
  movers.sort((p, q) => gains[q] - gains[p] || p - q);

  const locked = new Uint8Array(k);
  let moves = 0;
  for (const i of movers) {
    const a = labels[i];
    if (locked[a] === 1 || sizes[a] <= 1) continue;
    // Unlocked clusters still have the sizes and means the distances were computed with.
    const { target: b } = bestTarget(distances.subarray(i * k, (i + 1) * k), a, sizes, locked);
    if (b < 0) continue;
    const remove = (sizes[a] / (sizes[a] - 1)) * exactDistance(x, i, centroids, a);
    const add = (sizes[b] / (sizes[b] + 1)) * exactDistance(x, i, centroids, b);
    if (!(add < remove)) continue;
    labels[i] = b;
    sizes[a]--;
    sizes[b]++;
    locked[a] = 1;
    locked[b] = 1;
    moves++;
  }
  return moves;
}

/**
 * Hartigan sweeps from a Lloyd result while each lowers the exact inertia by more than `tol`
 * (relative), within `maxIter` iterations in all (Lloyd's included). Never raises the inertia.
 */
export async function hartiganRefine(
  engine: TensorEngine,
  x: Matrix,
  start: LloydResult,
  options: { maxIter: number; tol: number },
): Promise<LloydResult> {
  let state = start;
  while (state.iterations < options.maxIter) {
    const labels = state.labels.slice();
    const moves = await hartiganSweep(engine, x, labels, state.centroids);
    if (moves === 0) break;
    const centroids = clusterMeans(x, labels, state.centroids.rows);
    const inertia = exactInertia(x, labels, centroids);
    // Float32 engine distances pick the moves, float64 checks them; keep only a real gain.
    if (!(inertia < state.inertia)) break;
    const previous = state.inertia;
    state = { labels, centroids, inertia, iterations: state.iterations + 1 };
    if (previous - inertia <= options.tol * previous) break;
  }
  return state;
}
