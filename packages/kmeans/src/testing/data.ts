/**
 * TEST-ONLY helpers: seeded data sets and the scikit-learn reference fixtures
 * (tools/reference/fixtures/kmeans-*.json, written by tools/reference/kmeans_reference.py).
 */
import * as fs from 'fs';
import * as path from 'path';
import { Random, type Matrix } from '@speechfold/core';

/** One scikit-learn run stored in a fixture. */
export interface SklearnRun {
  nInit: number;
  /** scikit-learn's inertia_ (float32 accumulation for float32 data). */
  inertia: number;
  /** The same labels and centers, summed in float64. */
  inertia64: number;
  iterations: number;
}

/** A reference fixture: features, K and scikit-learn's results. */
export interface KMeansFixture {
  name: string;
  features: Matrix;
  k: number;
  sklearnVersion: string;
  runs: SklearnRun[];
  /** scikit-learn's n_init=1 inertia (float64) for random_state 0..9: its run-to-run spread. */
  spread: number[];
}

/** Directory of the reference fixtures, from src/testing or dist/testing. */
export const FIXTURE_DIR = path.resolve(__dirname, '..', '..', '..', '..', 'tools', 'reference', 'fixtures');

/** Every kmeans-*.json fixture, sorted by name. */
export function loadFixtures(): KMeansFixture[] {
  return fs
    .readdirSync(FIXTURE_DIR)
    .filter((f) => f.startsWith('kmeans-') && f.endsWith('.json'))
    .sort()
    .map((f) => {
      const raw = JSON.parse(fs.readFileSync(path.join(FIXTURE_DIR, f), 'utf8'));
      const bytes = Buffer.from(raw.featuresFloat32Base64, 'base64');
      // Copy into an aligned buffer; the stored bytes are float32 little-endian (as is every host we run on).
      const data = new Float32Array(new Uint8Array(bytes).buffer);
      if (data.length !== raw.rows * raw.cols)
        throw new Error(`${f}: expected ${raw.rows}x${raw.cols} values, got ${data.length}`);
      return {
        name: raw.name,
        features: { data, rows: raw.rows, cols: raw.cols },
        k: raw.k,
        sklearnVersion: raw.sklearn.version,
        runs: raw.sklearn.results,
        spread: raw.sklearn.nInit1Inertia64ByRandomState,
      };
    });
}

/** Standard normal rows. */
export function normalMatrix(seed: number, rows: number, cols: number): Matrix {
  return { data: new Random(seed).fillNormal(new Float32Array(rows * cols)), rows, cols };
}

/** Well-separated blobs: centers ~N(0, 100^2) per coordinate, spread 0.1, points shuffled. */
export function separatedBlobs(
  seed: number,
  blobs: number,
  perBlob: number,
  cols: number,
): { features: Matrix; truth: Int32Array } {
  const random = new Random(seed);
  const centers = random.fillNormal(new Float32Array(blobs * cols), 100);
  const n = blobs * perBlob;
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = random.int(i + 1);
    [order[i], order[j]] = [order[j], order[i]];
  }
  const data = new Float32Array(n * cols);
  const truth = new Int32Array(n);
  order.forEach((point, i) => {
    const blob = Math.floor(point / perBlob);
    truth[i] = blob;
    for (let t = 0; t < cols; t++) data[i * cols + t] = centers[blob * cols + t] + 0.1 * random.normal();
  });
  return { features: { data, rows: n, cols }, truth };
}

/** True when two labelings are the same partition (equal up to renaming clusters). */
export function samePartition(a: Int32Array, b: Int32Array): boolean {
  if (a.length !== b.length) return false;
  const forward = new Map<number, number>();
  const backward = new Map<number, number>();
  for (let i = 0; i < a.length; i++) {
    if ((forward.get(a[i]) ?? b[i]) !== b[i] || (backward.get(b[i]) ?? a[i]) !== a[i]) return false;
    forward.set(a[i], b[i]);
    backward.set(b[i], a[i]);
  }
  return true;
}

/** Exact float64 inertia of labels against centroids, computed independently of the package. */
export function referenceInertia(x: Matrix, labels: Int32Array, centroids: Matrix): number {
  let total = 0;
  for (let i = 0; i < x.rows; i++) {
    for (let t = 0; t < x.cols; t++) {
      const diff = x.data[i * x.cols + t] - centroids.data[labels[i] * x.cols + t];
      total += diff * diff;
    }
  }
  return total;
}
