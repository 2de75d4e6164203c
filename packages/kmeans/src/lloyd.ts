/**
 * Lloyd iterations, engine route (the pairwise route's version is in pairwise-kmeans.ts): assign
 * every point to its nearest centroid (the engine's O(N x K x D) GEMM), then move every centroid
 * to the exact mean of its points (O(N x D) in JavaScript, float64).
 *
 * Neither step can raise the objective, so inertia never increases. The loop stops when the
 * relative decrease of the assignment inertia falls below `tol`, or after `maxIter` assignments.
 * A cluster that ends an assignment empty is re-seeded with the point farthest from its centroid,
 * taken from a cluster that keeps at least one point, so no cluster is ever returned empty.
 */
import type { Matrix, TensorEngine } from '@speechfold/core';
import { clusterMeans, clusterSizes, exactInertia } from './means';

/** Stopping rule of the Lloyd loop. */
export interface LloydOptions {
  maxIter: number;
  tol: number;
}

/** A converged (or stopped) Lloyd run. */
export interface LloydResult {
  /** Cluster of each point; every cluster in [0, K) holds at least one point. */
  labels: Int32Array;
  /** K x D means of the clusters' points. */
  centroids: Matrix;
  /** Exact float64 inertia of `labels` against `centroids`. */
  inertia: number;
  /** Assignment steps run. */
  iterations: number;
}

/**
 * Gives every empty cluster one point: the points farthest from their centroids, in decreasing
 * distance, each taken only from a cluster of size > 1. Updates labels and distance in place;
 * returns how many points moved.
 */
export function fillEmptyClusters(labels: Int32Array, distance: Float32Array | Float64Array, k: number): number {
  const sizes = clusterSizes(labels, k);
  const empty: number[] = [];
  for (let c = 0; c < k; c++) if (sizes[c] === 0) empty.push(c);
  if (empty.length === 0) return 0;
  // Farthest first; ties by lower index so the order is deterministic.
  const order = Array.from(labels.keys()).sort((a, b) => distance[b] - distance[a] || a - b);
  let next = 0;
  for (const cluster of empty) {
    // K <= N guarantees a cluster with more than one point while any cluster is empty.
    while (sizes[labels[order[next]]] <= 1) next++;
    const point = order[next++];
    sizes[labels[point]]--;
    labels[point] = cluster;
    sizes[cluster] = 1;
    // The new cluster is centred on this point, so its cost is now 0.
    distance[point] = 0;
  }
  return empty.length;
}

/** Runs Lloyd from the given K x D initial centroids. */
export async function lloyd(
  engine: TensorEngine,
  x: Matrix,
  initial: Matrix,
  options: LloydOptions,
): Promise<LloydResult> {
  const k = initial.rows;
  let centroids = initial;
  let labels: Int32Array = new Int32Array(x.rows);
  let previous = Infinity;
  let iterations = 0;
  while (iterations < options.maxIter) {
    const assignment = await engine.nearest(x, centroids);
    iterations++;
    labels = assignment.index;
    fillEmptyClusters(labels, assignment.distance, k);
    centroids = clusterMeans(x, labels, k);
    let inertia = 0;
    for (let i = 0; i < x.rows; i++) inertia += assignment.distance[i];
    // Relative decrease below tol; this also ends the loop once nothing moves.
    if (inertia === 0 || (previous !== Infinity && previous - inertia <= options.tol * previous)) break;
    previous = inertia;
  }
  return { labels, centroids, inertia: exactInertia(x, labels, centroids), iterations };
}
