/**
 * Greedy k-means++ seeding (Arthur & Vassilvitskii 2007, with the local trials scikit-learn uses).
 *
 * The first center is a uniform point. Each later step draws 2 + floor(ln K) candidates with
 * probability proportional to D(x)^2, the squared distance to the nearest center so far, and keeps
 * the candidate whose addition lowers the potential (sum of D^2) the most. This is the same
 * distribution as scikit-learn's `init='k-means++'`; only the random stream differs.
 *
 * All arithmetic here is O(N x trials) per step on distance rows from a DistanceRows source.
 */
import type { Random } from '@speechfold/core';
import type { DistanceRows } from './pairwise';

/** Chosen centers and the potential they leave. */
export interface Seeding {
  /** Index of each of the K centers among the N points; all distinct. */
  centers: Int32Array;
  /** Sum over points of the squared distance to the nearest center (float64 of engine distances). */
  potential: number;
}

/** Candidates drawn per step: 2 + floor(ln k), as scikit-learn does. */
export function localTrials(k: number): number {
  return 2 + Math.floor(Math.log(k));
}

/** Fills `cumulative` with running sums of `weights`; returns the total. */
function prefixSums(weights: Float32Array, cumulative: Float64Array): number {
  let total = 0;
  for (let i = 0; i < weights.length; i++) {
    total += weights[i];
    cumulative[i] = total;
  }
  return total;
}

/**
 * The first index whose running sum exceeds r (0 <= r < total). A point of weight 0 never wins:
 * its running sum equals its predecessor's, so the predecessor (or an earlier point) wins first.
 */
function firstAbove(cumulative: Float64Array, r: number): number {
  let lo = 0;
  let hi = cumulative.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cumulative[mid] > r) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** Sum over points of min(closest, row): the potential if that row's point became a center. */
function potentialWith(closest: Float32Array, row: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < closest.length; i++) {
    const d = row[i];
    const c = closest[i];
    sum += d < c ? d : c;
  }
  return sum;
}

/** A uniform point that is not yet a center (used once every point is at distance 0). */
function uniformNonCenter(isCenter: Uint8Array, random: Random): number {
  // Rejection sampling: K <= N guarantees a non-center exists, and this case is rare (duplicates).
  for (;;) {
    const i = random.int(isCenter.length);
    if (isCenter[i] === 0) return i;
  }
}

/** Greedy k-means++: K distinct center indices drawn with `random` (1 <= k <= N). */
export async function seedKMeansPlusPlus(rows: DistanceRows, k: number, random: Random): Promise<Seeding> {
  const n = rows.size;
  const trials = localTrials(k);
  const centers = new Int32Array(k);
  const isCenter = new Uint8Array(n);
  // D(x)^2 so far. Always the minimum of some float32 distances, so float32 holds it exactly
  // (and halves the memory traffic of the O(N x trials) loops); sums are taken in float64.
  const closest = new Float32Array(n);
  const cumulative = new Float64Array(n);

  const first = random.int(n);
  centers[0] = first;
  isCenter[first] = 1;
  const [firstRow] = await rows.rows([first]);
  for (let i = 0; i < n; i++) closest[i] = firstRow[i];

  for (let c = 1; c < k; c++) {
    const total = prefixSums(closest, cumulative);
    if (!(total > 0)) {
      // Every point sits on a center (fewer distinct points than K): any new point adds nothing,
      // but a distinct index keeps every center a different point.
      const pick = uniformNonCenter(isCenter, random);
      centers[c] = pick;
      isCenter[pick] = 1;
      continue;
    }
    const candidates: number[] = [];
    for (let t = 0; t < trials; t++) candidates.push(firstAbove(cumulative, random.next() * total));
    const candidateRows = await rows.rows(candidates);
    let best = 0;
    let bestPotential = Infinity;
    for (let t = 0; t < trials; t++) {
      const potential = potentialWith(closest, candidateRows[t]);
      if (potential < bestPotential) {
        bestPotential = potential;
        best = t;
      }
    }
    const chosen = candidates[best];
    const row = candidateRows[best];
    for (let i = 0; i < n; i++) if (row[i] < closest[i]) closest[i] = row[i];
    // A chosen point had D > 0, so it is not a center yet; pin its own distance at exactly 0.
    closest[chosen] = 0;
    centers[c] = chosen;
    isCenter[chosen] = 1;
  }
  let potential = 0;
  for (let i = 0; i < n; i++) potential += closest[i];
  return { centers, potential };
}
