/**
 * The k-means Clusterer: greedy k-means++ seeding, Lloyd iterations, then Hartigan refinement,
 * over `nInit` seeded restarts, keeping the lowest inertia (METHOD.md §2).
 *
 * Two exact routes, chosen by size:
 * - pairwise (N x N float32 fits `pairwiseBudgetBytes`): one engine computation of all pairwise
 *   distances serves the seeding, Lloyd and Hartigan of every restart (pairwise-kmeans.ts);
 * - engine: seeding asks the engine for each step's candidates, Lloyd assigns with engine.nearest
 *   and Hartigan sweeps with engine.squaredDistances.
 * Both end the same way: centroids are the exact float64 means of the labels, and the inertia is
 * recomputed exactly from the features, so what is reported is the true objective.
 */
import {
  Random,
  sharedThreadPool,
  type ThreadOptions,
  TOKENS,
  type ClusterOptions,
  type ClusterResult,
  type Clusterer,
  type Matrix,
  type TensorEngine,
} from '@speechfold/core';
import { inject, injectable } from 'tsyringe';
import { hartiganRefine } from './hartigan';
import { lloyd } from './lloyd';
import { clusterMeans, exactInertia, gatherRows } from './means';
import { engineRows, matrixRows, pairwiseBytes, pairwiseDistances, type DistanceRows } from './pairwise';
import { assignToCenters, pairwiseHartigan, pairwiseLloyd, sharedPairwise, type Pairwise } from './pairwise-kmeans';
import { seedKMeansPlusPlus } from './seeding';
import { DEFAULT_SETTINGS, resolveDefaults, resolveSettings, validateInput, type KMeansSettings } from './validate';

/** Seconds spent in each phase of one k-means run (summed over restarts), for benchmarks. */
export interface PhaseSeconds {
  pairwise: number;
  seeding: number;
  lloyd: number;
  hartigan: number;
}

/**
 * The seed of restart r: a hash of (seed, r), so restarts draw unrelated streams and a run with
 * more restarts repeats the first ones exactly. Seeds are taken modulo 2^32.
 */
export function restartSeed(seed: number, restart: number): number {
  let z = ((seed >>> 0) + Math.imul(restart + 1, 0x9e3779b9)) >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
  return (z ^ (z >>> 16)) >>> 0;
}

/** K = N: every point is its own cluster, in order, so folding with it changes nothing. */
function identityClustering(features: Matrix): ClusterResult {
  const labels = new Int32Array(features.rows);
  for (let i = 0; i < labels.length; i++) labels[i] = i;
  const centroids = { data: features.data.slice(), rows: features.rows, cols: features.cols };
  return { labels, centroids, inertia: 0, iterations: 0 };
}

/** The result for given labels: exact means as centroids and the exact inertia. */
function exactResult(x: Matrix, labels: Int32Array, k: number, iterations: number): ClusterResult {
  const centroids = clusterMeans(x, labels, k);
  return { labels, centroids, inertia: exactInertia(x, labels, centroids), iterations };
}

/** Adds the seconds `fn` takes to `seconds[phase]`, when timing is asked for. */
async function timed<T>(
  seconds: PhaseSeconds | undefined,
  phase: keyof PhaseSeconds,
  fn: () => T | Promise<T>,
): Promise<T> {
  const start = performance.now();
  const value = await fn();
  if (seconds !== undefined) seconds[phase] += (performance.now() - start) / 1000;
  return value;
}

/** One restart on the pairwise route: everything after seeding runs on P in JavaScript. */
async function pairwiseRestart(
  x: Matrix,
  p: Pairwise,
  k: number,
  random: Random,
  settings: KMeansSettings,
  seconds?: PhaseSeconds,
  threads?: ThreadOptions,
): Promise<ClusterResult> {
  const seeding = await timed(seconds, 'seeding', () => seedKMeansPlusPlus(matrixRows(p.data, p.n), k, random));
  const afterLloyd = await timed(seconds, 'lloyd', async () => {
    const pass = await pairwiseLloyd(p, assignToCenters(p, seeding.centers), k, settings, 1, threads);
    return exactResult(x, pass.labels, k, pass.iterations);
  });
  if (!settings.hartigan) return afterLloyd;
  return timed(seconds, 'hartigan', async () => {
    const pass = await pairwiseHartigan(p, afterLloyd.labels.slice(), k, settings, afterLloyd.iterations, threads);
    const refined = exactResult(x, pass.labels, k, pass.iterations);
    // P's float32 rounding picks the moves; the exact inertia decides whether they are kept.
    return refined.inertia <= afterLloyd.inertia ? refined : afterLloyd;
  });
}

/** One restart on the engine route (P does not fit the budget). */
async function engineRestart(
  engine: TensorEngine,
  x: Matrix,
  rows: DistanceRows,
  k: number,
  random: Random,
  settings: KMeansSettings,
  seconds?: PhaseSeconds,
): Promise<ClusterResult> {
  const seeding = await timed(seconds, 'seeding', () => seedKMeansPlusPlus(rows, k, random));
  const afterLloyd = await timed(seconds, 'lloyd', () => lloyd(engine, x, gatherRows(x, seeding.centers), settings));
  if (!settings.hartigan) return afterLloyd;
  return timed(seconds, 'hartigan', () => hartiganRefine(engine, x, afterLloyd, settings));
}

/**
 * k-means of already validated input (1 <= k <= N, finite features) with resolved settings;
 * adds per-phase seconds to `seconds` when given. KMeansClusterer.cluster is the checked entry.
 */
export async function runKMeans(
  engine: TensorEngine,
  x: Matrix,
  k: number,
  seed: number,
  settings: KMeansSettings,
  seconds?: PhaseSeconds,
  threads: ThreadOptions | undefined = { pool: sharedThreadPool() },
): Promise<ClusterResult> {
  if (k === x.rows) return identityClustering(x);
  if (k === 1) return exactResult(x, new Int32Array(x.rows), 1, 0);
  const usePairwise = pairwiseBytes(x.rows) <= settings.pairwiseBudgetBytes;
  // On a SharedArrayBuffer when the passes' loops run on the thread pool (a copy of P).
  const p: Pairwise | null = usePairwise
    ? sharedPairwise({ data: await timed(seconds, 'pairwise', () => pairwiseDistances(engine, x)), n: x.rows }, threads)
    : null;
  const rows = engineRows(engine, x);
  let best: ClusterResult | null = null;
  for (let restart = 0; restart < settings.nInit; restart++) {
    const random = new Random(restartSeed(seed, restart));
    const result =
      p !== null
        ? await pairwiseRestart(x, p, k, random, settings, seconds, threads)
        : await engineRestart(engine, x, rows, k, random, settings, seconds);
    // Strict '<': on a tie the earlier restart wins.
    if (best === null || result.inertia < best.inertia) best = result;
  }
  // nInit >= 1 is validated, so the loop ran at least once.
  return best as ClusterResult;
}

/** k-means on a TensorEngine (name 'kmeans'); resolve it under TOKENS.Clusterer. */
@injectable()
export class KMeansClusterer implements Clusterer {
  readonly name = 'kmeans';
  private defaults: KMeansSettings = { ...DEFAULT_SETTINGS };

  constructor(@inject(TOKENS.TensorEngine) private readonly engine: TensorEngine) {}

  /** A clusterer on the same engine whose unset options default to `defaults`; throws OptionError. */
  withDefaults(defaults: Partial<KMeansSettings>): KMeansClusterer {
    const clusterer = new KMeansClusterer(this.engine);
    clusterer.defaults = resolveDefaults({ ...this.defaults, ...defaults });
    return clusterer;
  }

  /** The settings used where ClusterOptions leaves them out. */
  get settings(): Readonly<KMeansSettings> {
    return { ...this.defaults };
  }

  /** Clusters the rows of `features` into k non-empty clusters; throws MethodError on bad input. */
  async cluster(features: Matrix, k: number, options: ClusterOptions): Promise<ClusterResult> {
    validateInput(features, k, options.group);
    const settings = resolveSettings(options, this.defaults);
    return runKMeans(this.engine, features, k, options.seed, settings);
  }
}

/** A k-means Clusterer on `engine`, with optional defaults (nInit, maxIter, tol, pairwise budget, hartigan). */
export function createKMeans(engine: TensorEngine, defaults: Partial<KMeansSettings> = {}): KMeansClusterer {
  return new KMeansClusterer(engine).withDefaults(defaults);
}
