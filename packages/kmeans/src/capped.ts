/**
 * The size-capped clusterer (name 'capped'): greedy agglomerative clustering with Ward's cost, where
 * no cluster may grow beyond `cap` units. Deterministic: ClusterOptions.seed is not used.
 *
 * Why: on real Whisper weights, k-means with K close to N builds a few giant clusters (28-79 units)
 * that destroy the folded model; merging only small clusters (pairs by default) works far better.
 *
 * Algorithm: start from N singletons and repeatedly merge the two clusters a, b whose merge raises
 * the inertia least, Delta = n_a n_b / (n_a + n_b) |mu_a - mu_b|^2, among pairs with
 * n_a + n_b <= cap, until K clusters remain. Ties go to the lower (min, then max) of the two
 * clusters' smallest unit index, which is also each cluster's id. With cap 2 this is the greedy
 * matching on squared distance / 2.
 *
 * Candidates: the engine computes the N x N squared distances (pairwise.ts; in row blocks above the
 * memory budget) and each unit keeps its `neighbours` nearest units. Candidate merges wait in a
 * binary heap keyed by Delta, computed exactly in float64; an entry whose cluster has changed since
 * is skipped (a version counter per cluster). A merged cluster's candidates are its parts'
 * candidates mapped to their current clusters, with Delta recomputed from the exact means.
 * - Each single unit whose list is incomplete also has a refill entry in the heap, keyed by
 *   (distance to its farthest listed neighbour) / 2: no unlisted single unit can be merged with it
 *   more cheaply. When that entry comes up, the unit (with the other single units nearest their
 *   own refill) gets its next nearest units from the engine, twice as many as before. So with
 *   cap 2, where only single units ever merge, the result is the exact greedy matching.
 * - When the heap runs dry before K (candidates used up or refused), every remaining pair is
 *   searched: the engine computes the distances between all current means and each cluster gets
 *   its `neighbours` cheapest admissible partners again.
 * - With cap >= 3 greedy merging can get stuck above K (cap 3: three pairs never make two
 *   clusters); a packing plan (plan.ts) refuses merges after which K could no longer be reached.
 *   With cap 2 it is not needed: two single units always remain while more than K clusters do.
 *
 * Result: labels numbered by first appearance (unit 0's cluster is 0), centroids the exact means,
 * inertia recomputed exactly, iterations = number of merges (N - K).
 */
import {
  MethodError,
  OptionError,
  TOKENS,
  type ClusterOptions,
  type ClusterResult,
  type Clusterer,
  type Matrix,
  type PairCost,
  type TensorEngine,
} from '@speechfold/core';
import { inject, injectable } from 'tsyringe';
import { MergeHeap } from './heap';
import { clusterMeans, exactInertia, gatherRows } from './means';
import { pairwiseBytes, pairwiseDistances } from './pairwise';
import { BinPlan } from './plan';
import { validateInput } from './validate';

/** Options of the capped clusterer. */
export interface CappedOptions {
  /**
   * Most units per cluster: a positive integer, or 'auto' (default) for the smallest cap that can
   * reach K, max(2, ceil(N / K)).
   */
  cap?: number | 'auto';
  /** Nearest units each unit starts with as merge candidates (default 32). */
  neighbours?: number;
  /**
   * Largest block of squared distances (bytes, float32) held at once: the N x N matrix when it fits
   * (computed by symmetric panels), row blocks otherwise (default 512 MiB).
   */
  pairwiseBudgetBytes?: number;
}

/** Defaults of every capped-clusterer option. */
export const DEFAULT_CAPPED_OPTIONS: Readonly<Required<CappedOptions>> = {
  cap: 'auto',
  neighbours: 32,
  pairwiseBudgetBytes: 512 * 1024 * 1024,
};

/** Rows of distances asked of the engine in one refill call, at most. */
const REFILL_BATCH_ROWS = 256;
/**
 * A refill entry pops this much (relative) before its exact bound, so the float32 rounding of the
 * engine's distances cannot let an unlisted unit slip under it; popping early only costs a refill.
 */
const HORIZON_MARGIN = 1e-4;

/** Merges options over the defaults; throws OptionError naming a bad one. */
export function resolveCappedOptions(options: CappedOptions = {}): Required<CappedOptions> {
  const given = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
  const merged = { ...DEFAULT_CAPPED_OPTIONS, ...given } as Required<CappedOptions>;
  const { cap, neighbours, pairwiseBudgetBytes } = merged;
  if (cap !== 'auto' && !(typeof cap === 'number' && Number.isInteger(cap) && cap >= 1)) {
    throw new OptionError('cap', `expected 'auto' or an integer >= 1, got ${String(cap)}`);
  }
  if (!(typeof neighbours === 'number' && Number.isInteger(neighbours) && neighbours >= 1)) {
    throw new OptionError('neighbours', `expected an integer >= 1, got ${String(neighbours)}`);
  }
  if (!(typeof pairwiseBudgetBytes === 'number' && Number.isInteger(pairwiseBudgetBytes) && pairwiseBudgetBytes >= 1)) {
    throw new OptionError('pairwiseBudgetBytes', `expected an integer >= 1, got ${String(pairwiseBudgetBytes)}`);
  }
  return merged;
}

/** The cap used for N units and K clusters; throws MethodError when it cannot reach K. */
export function effectiveCap(cap: number | 'auto', n: number, k: number, group?: string): number {
  const smallest = Math.ceil(n / k);
  if (cap === 'auto') return Math.max(2, smallest);
  if (cap * k < n) {
    throw new MethodError(
      { group, option: 'cap' },
      `cap ${cap} cannot reach k = ${k}: clusters of at most ${cap} units leave at least ` +
        `ceil(${n} / ${cap}) = ${Math.ceil(n / cap)} clusters of ${n} units; ` +
        `the smallest cap that can reach k = ${k} is ceil(${n} / ${k}) = ${smallest}`,
    );
  }
  return cap;
}

/** Each unit's nearest other units by the engine's squared distances, ties to the lower index. */
interface Neighbours {
  /** Neighbours per unit (min(neighbours, N - 1)). */
  width: number;
  /** index[i * width + r]: the r-th nearest unit of unit i. */
  index: Int32Array;
  /** Its squared distance (float32, from the engine). */
  distance: Float32Array;
}

/** Writes the `width` nearest entries of `row` (skipping `self`) into out at `offset`. */
function selectNearest(row: Float32Array, self: number, width: number, out: Neighbours, offset: number): void {
  const index = out.index;
  const distance = out.distance;
  let filled = 0;
  for (let j = 0; j < row.length; j++) {
    if (j === self) continue;
    const v = row[j] > 0 ? row[j] : 0;
    // Scanning j upward, an equal distance never displaces an earlier (lower) index.
    if (filled === width && !(v < distance[offset + width - 1])) continue;
    let r = filled < width ? filled++ : width - 1;
    while (r > 0 && distance[offset + r - 1] > v) {
      distance[offset + r] = distance[offset + r - 1];
      index[offset + r] = index[offset + r - 1];
      r--;
    }
    distance[offset + r] = v;
    index[offset + r] = j;
  }
}

/** The nearest units of every unit, from the engine's distances (whole matrix or row blocks). */
async function nearestNeighbours(engine: TensorEngine, x: Matrix, m: number, budget: number): Promise<Neighbours> {
  const n = x.rows;
  const width = Math.min(m, n - 1);
  const out: Neighbours = { width, index: new Int32Array(n * width), distance: new Float32Array(n * width) };
  if (width === 0) return out;
  if (pairwiseBytes(n) <= budget) {
    const p = await pairwiseDistances(engine, x);
    for (let i = 0; i < n; i++) selectNearest(p.subarray(i * n, (i + 1) * n), i, width, out, i * width);
    return out;
  }
  const blockRows = Math.max(1, Math.floor(budget / (4 * n)));
  for (let i0 = 0; i0 < n; i0 += blockRows) {
    const i1 = Math.min(n, i0 + blockRows);
    const block = await engine.squaredDistances(
      { data: x.data.subarray(i0 * x.cols, i1 * x.cols), rows: i1 - i0, cols: x.cols },
      x,
    );
    for (let i = i0; i < i1; i++) {
      selectNearest(block.data.subarray((i - i0) * n, (i - i0 + 1) * n), i, width, out, i * width);
    }
  }
  return out;
}

/**
 * The greedy state: clusters by id (the smallest unit index), their sums, candidates and the heap.
 * Exported for tests only (not from the package index).
 */
export class CappedRun {
  private readonly n: number;
  private readonly d: number;
  /** Union-find parent of each unit; a cluster's id is its root, the smallest unit index. */
  private readonly parent: Int32Array;
  readonly size: Int32Array;
  /** Bumped whenever a cluster changes, so heap entries naming its old state are skipped. */
  private readonly version: Int32Array;
  /** float64 sum of each merged cluster's units (single units are read from x). */
  private readonly sums: (Float64Array | null)[];
  /** Candidate partners of each cluster (unit or cluster ids, mapped through find()). */
  private partners: number[][];
  /** Refill state of single units: stamp of the live refill entry and how many units it asks for. */
  private readonly refillStamp: Int32Array;
  private readonly refillWidth: Int32Array;
  /** Engine distance below which a single unit's admissible units were all queued already. */
  private readonly refillBelow: Float32Array;
  /** Scratch rows of a refill: admissible unit ids and their distances. */
  private readonly scratchIds: Int32Array;
  private readonly scratchDistances: Float32Array;
  /** Key of each single unit's pending refill entry; Infinity when its candidates are complete. */
  private readonly horizon: Float64Array;
  private readonly mark: Int32Array;
  private markGen = 0;
  private readonly heap: MergeHeap;
  private readonly plan: BinPlan | null;
  clusters: number;
  merges = 0;

  constructor(
    private readonly engine: TensorEngine,
    private readonly x: Matrix,
    private readonly k: number,
    private readonly cap: number,
    private readonly m: number,
    private readonly budget: number,
    /** Tests: start from the full search instead of the neighbour lists (exercises searchAll). */
    private readonly startWithFullSearch = false,
  ) {
    const n = x.rows;
    this.n = n;
    this.d = x.cols;
    this.parent = new Int32Array(n);
    for (let i = 0; i < n; i++) this.parent[i] = i;
    this.size = new Int32Array(n).fill(1);
    this.version = new Int32Array(n);
    this.sums = new Array<Float64Array | null>(n).fill(null);
    this.partners = Array.from({ length: n }, () => []);
    this.refillStamp = new Int32Array(n);
    this.refillWidth = new Int32Array(n);
    this.refillBelow = new Float32Array(n);
    this.scratchIds = new Int32Array(n);
    this.scratchDistances = new Float32Array(n);
    this.horizon = new Float64Array(n).fill(Infinity);
    this.mark = new Int32Array(n);
    this.heap = new MergeHeap(n * Math.min(m, n) + 16);
    this.plan = cap >= 3 ? new BinPlan(this.size, k, cap) : null;
    this.clusters = n;
  }

  /** Runs the greedy to K clusters and returns the cluster id of every unit. */
  async run(): Promise<Int32Array> {
    if (!this.startWithFullSearch) await this.seedCandidates();
    while (this.clusters > this.k) {
      const entry = this.heap.pop();
      if (entry === null) {
        await this.searchAll();
        continue;
      }
      if (entry.a < 0) {
        const i = entry.b;
        if (this.isLive(i) && this.size[i] === 1 && this.refillStamp[i] === entry.va) await this.refill(i);
        continue;
      }
      const { a, b } = entry;
      if (!this.isLive(a) || !this.isLive(b) || this.version[a] !== entry.va || this.version[b] !== entry.vb) continue;
      if (this.size[a] + this.size[b] > this.cap) continue;
      if (this.plan !== null && !this.plan.host(a, b)) continue;
      this.merge(a, b);
    }
    const roots = new Int32Array(this.n);
    for (let i = 0; i < this.n; i++) roots[i] = this.find(i);
    return roots;
  }

  /** Live cluster ids, ascending (for tests and the full search). */
  liveClusters(): number[] {
    const live: number[] = [];
    for (let i = 0; i < this.n; i++) if (this.parent[i] === i) live.push(i);
    return live;
  }

  checkPlan(): void {
    this.plan?.check(this.liveClusters());
  }

  private isLive(id: number): boolean {
    return this.parent[id] === id;
  }

  private find(i: number): number {
    let root = i;
    while (this.parent[root] !== root) root = this.parent[root];
    while (this.parent[i] !== root) {
      const next = this.parent[i];
      this.parent[i] = root;
      i = next;
    }
    return root;
  }

  /** Ward's merge cost of two live clusters, in float64 from the exact sums. */
  private cost(a: number, b: number): number {
    const d = this.d;
    const x = this.x.data;
    const sa = this.sums[a];
    const sb = this.sums[b];
    let sum = 0;
    if (sa === null && sb === null) {
      // Two single units: the hot path (every initial candidate), four accumulators.
      const ao = a * d;
      const bo = b * d;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      const end = d - (d % 4);
      for (let t = 0; t < end; t += 4) {
        const e0 = x[ao + t] - x[bo + t];
        const e1 = x[ao + t + 1] - x[bo + t + 1];
        const e2 = x[ao + t + 2] - x[bo + t + 2];
        const e3 = x[ao + t + 3] - x[bo + t + 3];
        sum += e0 * e0;
        s1 += e1 * e1;
        s2 += e2 * e2;
        s3 += e3 * e3;
      }
      for (let t = end; t < d; t++) {
        const diff = x[ao + t] - x[bo + t];
        sum += diff * diff;
      }
      return 0.5 * (sum + s1 + s2 + s3);
    }
    const na = this.size[a];
    const nb = this.size[b];
    if (sa !== null && sb !== null) {
      for (let t = 0; t < d; t++) {
        const diff = sa[t] / na - sb[t] / nb;
        sum += diff * diff;
      }
    } else {
      // One single unit u and one merged cluster with sum s of n units.
      const s = (sa ?? sb) as Float64Array;
      const n = sa !== null ? na : nb;
      const uo = (sa !== null ? b : a) * d;
      for (let t = 0; t < d; t++) {
        const diff = s[t] / n - x[uo + t];
        sum += diff * diff;
      }
    }
    return ((na * nb) / (na + nb)) * sum;
  }

  private pushPair(a: number, b: number, cost: number): void {
    const lo = a < b ? a : b;
    const hi = a < b ? b : a;
    this.heap.push(cost, lo, hi, this.version[lo], this.version[hi]);
  }

  /** Sets a single unit's refill entry at `key` (Infinity: its candidates are complete). */
  private setHorizon(i: number, key: number): void {
    this.refillStamp[i]++;
    this.horizon[i] = key;
    if (key !== Infinity) this.heap.push(key, -1, i, this.refillStamp[i], 0);
  }

  /** Initial candidates: each unit's nearest units, both ways, with exact costs. */
  private async seedCandidates(): Promise<void> {
    const nb = await nearestNeighbours(this.engine, this.x, this.m, this.budget);
    const { width, index, distance } = nb;
    const listed = (i: number, j: number): boolean => {
      for (let r = i * width; r < (i + 1) * width; r++) if (index[r] === j) return true;
      return false;
    };
    for (let i = 0; i < this.n; i++) {
      for (let r = i * width; r < (i + 1) * width; r++) {
        const j = index[r];
        this.partners[i].push(j);
        if (!listed(j, i)) {
          this.partners[j].push(i);
          this.pushPair(i, j, this.cost(i, j));
        } else if (i < j) {
          this.pushPair(i, j, this.cost(i, j));
        }
      }
      this.refillWidth[i] = width;
      if (width < this.n - 1) {
        this.refillBelow[i] = distance[(i + 1) * width - 1];
        this.setHorizon(i, 0.5 * distance[(i + 1) * width - 1] * (1 - HORIZON_MARGIN));
      }
    }
  }

  /** Merges live clusters a < b (b joins a) and queues the new cluster's candidates. */
  private merge(a: number, b: number): void {
    const d = this.d;
    let sum = this.sums[a];
    if (sum === null) {
      sum = new Float64Array(d);
      const ao = a * d;
      for (let t = 0; t < d; t++) sum[t] = this.x.data[ao + t];
      this.sums[a] = sum;
    }
    const sb = this.sums[b];
    if (sb !== null) for (let t = 0; t < d; t++) sum[t] += sb[t];
    else {
      const bo = b * d;
      for (let t = 0; t < d; t++) sum[t] += this.x.data[bo + t];
    }
    this.sums[b] = null;
    this.size[a] += this.size[b];
    this.parent[b] = a;
    this.version[a]++;
    this.version[b]++;
    this.plan?.merged(a, b);
    this.clusters--;
    this.merges++;

    const old = this.partners[a].concat(this.partners[b]);
    this.partners[b] = [];
    this.partners[a] = [];
    if (this.size[a] >= this.cap) return;
    // The parts' candidates, mapped to their clusters: all are queued, the cheapest kept for later.
    const gen = ++this.markGen;
    this.mark[a] = gen;
    const found: { id: number; cost: number }[] = [];
    for (const p of old) {
      const q = this.find(p);
      if (this.mark[q] === gen) continue;
      this.mark[q] = gen;
      if (this.size[q] + this.size[a] > this.cap) continue;
      const cost = this.cost(a, q);
      this.pushPair(a, q, cost);
      found.push({ id: q, cost });
    }
    if (found.length > this.m) {
      found.sort((u, v) => u.cost - v.cost || u.id - v.id);
      found.length = this.m;
    }
    this.partners[a] = found.map((f) => f.id);
  }

  /**
   * Gives single unit i (and the single units nearest their own refill, up to a batch) their next
   * nearest admissible units, twice as many as last time, from one engine call.
   */
  private async refill(i: number): Promise<void> {
    const pending: number[] = [];
    for (let j = 0; j < this.n; j++) {
      if (j !== i && this.parent[j] === j && this.size[j] === 1 && this.horizon[j] !== Infinity) pending.push(j);
    }
    const rowsFit = Math.max(1, Math.floor(this.budget / (4 * this.n)));
    const batchSize = Math.min(REFILL_BATCH_ROWS, rowsFit);
    pending.sort((u, v) => this.horizon[u] - this.horizon[v] || u - v);
    const batch = [i, ...pending.slice(0, batchSize - 1)];
    const block = await this.engine.squaredDistances(gatherRows(this.x, batch), this.x);
    batch.forEach((u, r) => this.refillUnit(u, block.data.subarray(r * this.n, (r + 1) * this.n)));
  }

  /**
   * Queues single unit u's next nearest admissible units, given its distance row. Units nearer than
   * the last refill's bound were queued then (their clusters, when merged since, were queued by the
   * merge), so only the units between the old and the new bound cost an exact Delta.
   */
  private refillUnit(u: number, row: Float32Array): void {
    const width = Math.min(this.n - 1, 2 * this.refillWidth[u]);
    this.refillWidth[u] = width;
    // Admissible units: in another cluster that has room for one more unit.
    const ids = this.scratchIds;
    const distances = this.scratchDistances;
    let count = 0;
    for (let j = 0; j < this.n; j++) {
      if (j === u || this.size[this.find(j)] + 1 > this.cap) continue;
      ids[count] = j;
      distances[count++] = row[j] > 0 ? row[j] : 0;
    }
    let threshold = Infinity;
    let key = Infinity;
    if (count > width) {
      threshold = distances.slice(0, count).sort()[width - 1];
      key = 0.5 * threshold * (1 - HORIZON_MARGIN);
    }
    const below = this.refillBelow[u];
    const gen = ++this.markGen;
    this.mark[u] = gen;
    const queue = (j: number): void => {
      const q = this.find(j);
      if (this.mark[q] === gen) return;
      this.mark[q] = gen;
      this.partners[u].push(q);
      this.partners[q].push(u);
      this.pushPair(u, q, this.cost(u, q));
    };
    // The `width` nearest (ties at the bound to the lower index), skipping those queued before.
    let taken = 0;
    for (let r = 0; r < count; r++) {
      if (distances[r] < threshold) {
        taken++;
        if (distances[r] >= below) queue(ids[r]);
      }
    }
    for (let r = 0; r < count && taken < width; r++) {
      if (distances[r] === threshold) {
        taken++;
        queue(ids[r]);
      }
    }
    this.refillBelow[u] = threshold;
    this.setHorizon(u, key);
  }

  /**
   * The heap ran dry before K: search all pairs of live clusters. The engine computes the distances
   * between all current means (in row blocks); each cluster gets its `m` cheapest admissible
   * partners (and, with a plan, its cheapest partner in its own bin, which the plan always accepts),
   * queued with exact costs.
   */
  private async searchAll(): Promise<void> {
    const live = this.liveClusters();
    const c = live.length;
    const d = this.d;
    const means = new Float32Array(c * d);
    live.forEach((id, r) => {
      const s = this.sums[id];
      if (s === null) means.set(this.x.data.subarray(id * d, (id + 1) * d), r * d);
      else for (let t = 0; t < d; t++) means[r * d + t] = s[t] / this.size[id];
    });
    const all: Matrix = { data: means, rows: c, cols: d };
    const blockRows = Math.max(1, Math.floor(this.budget / (4 * c)));
    const pushed = new Set<number>();
    const width = Math.min(this.m, c - 1);
    const bestCost = new Float64Array(width);
    const bestIndex = new Int32Array(width);
    for (let r0 = 0; r0 < c; r0 += blockRows) {
      const r1 = Math.min(c, r0 + blockRows);
      const block = await this.engine.squaredDistances(
        { data: means.subarray(r0 * d, r1 * d), rows: r1 - r0, cols: d },
        all,
      );
      for (let r = r0; r < r1; r++) {
        const a = live[r];
        const na = this.size[a];
        const row = block.data.subarray((r - r0) * c, (r - r0 + 1) * c);
        const bin = this.plan?.binOfCluster(a) ?? -1;
        let filled = 0;
        let admissible = 0;
        let sameBin = -1;
        let sameBinCost = Infinity;
        for (let s = 0; s < c; s++) {
          const b = live[s];
          if (b === a || na + this.size[b] > this.cap) continue;
          admissible++;
          const nb = this.size[b];
          const v = ((na * nb) / (na + nb)) * (row[s] > 0 ? row[s] : 0);
          if (bin >= 0 && this.plan?.binOfCluster(b) === bin && v < sameBinCost) {
            sameBin = b;
            sameBinCost = v;
          }
          if (filled === width && !(v < bestCost[width - 1])) continue;
          let q = filled < width ? filled++ : width - 1;
          while (q > 0 && bestCost[q - 1] > v) {
            bestCost[q] = bestCost[q - 1];
            bestIndex[q] = bestIndex[q - 1];
            q--;
          }
          bestCost[q] = v;
          bestIndex[q] = b;
        }
        const chosen = Array.from(bestIndex.subarray(0, filled));
        if (sameBin >= 0 && !chosen.includes(sameBin)) chosen.push(sameBin);
        // Added to, not replaced: earlier refills listed single units here that are not queued again.
        for (const b of chosen) this.partners[a].push(b);
        for (const b of chosen) {
          const key = Math.min(a, b) * this.n + Math.max(a, b);
          if (pushed.has(key)) continue;
          pushed.add(key);
          this.pushPair(a, b, this.cost(a, b));
        }
        if (na === 1) {
          this.refillWidth[a] = Math.max(this.refillWidth[a], width);
          // Chosen by cost between means, not by distance: the next refill queues all it finds.
          this.refillBelow[a] = 0;
          this.setHorizon(a, admissible > filled ? 0.5 * bestCost[width - 1] * (1 - HORIZON_MARGIN) : Infinity);
        }
      }
    }
  }
}

/** The costs of the pairs (a[i], b[i]): in one batch where the cost can (`many`), else one by one. */
async function pairCosts(pairCost: PairCost, a: Int32Array, b: Int32Array): Promise<Float64Array> {
  if (pairCost.many !== undefined) {
    const costs = await pairCost.many(a, b);
    if (costs.length !== a.length) throw new MethodError({}, `pair cost batch gave ${costs.length} costs for ${a.length} pairs`);
    return costs;
  }
  return Float64Array.from(a, (u, i) => pairCost(u, b[i]));
}

/**
 * Greedy matching by a given pair cost: N - K disjoint pairs, the cheapest first. Candidates are each
 * unmatched unit's `neighbours` nearest unmatched units in feature space; when they run out before
 * N - K pairs, the units still unmatched get new candidates among themselves, and so on. Ties go to
 * the lower (min, then max) unit index. Returns each unit's root (the smaller index of its pair).
 */
export async function matchPairs(
  engine: TensorEngine,
  x: Matrix,
  k: number,
  pairCost: PairCost,
  neighbours: number,
  budget: number,
): Promise<Int32Array> {
  const n = x.rows;
  const roots = Int32Array.from({ length: n }, (_, i) => i);
  const matched = new Uint8Array(n);
  let merges = 0;
  while (merges < n - k) {
    const free: number[] = [];
    for (let i = 0; i < n; i++) if (matched[i] === 0) free.push(i);
    const sub = free.length === n ? x : gatherRows(x, free);
    const nb = await nearestNeighbours(engine, sub, neighbours, budget);
    const pairsA: number[] = [];
    const pairsB: number[] = [];
    const seen = new Set<number>();
    for (let r = 0; r < free.length; r++) {
      for (let t = r * nb.width; t < (r + 1) * nb.width; t++) {
        const a = Math.min(free[r], free[nb.index[t]]);
        const b = Math.max(free[r], free[nb.index[t]]);
        if (seen.has(a * n + b)) continue;
        seen.add(a * n + b);
        pairsA.push(a);
        pairsB.push(b);
      }
    }
    const costs = await pairCosts(pairCost, Int32Array.from(pairsA), Int32Array.from(pairsB));
    const candidates: { cost: number; a: number; b: number }[] = [];
    for (let i = 0; i < costs.length; i++) {
      const cost = costs[i];
      if (!Number.isFinite(cost)) throw new MethodError({}, `pair cost of units ${pairsA[i]} and ${pairsB[i]} is ${cost}`);
      candidates.push({ cost, a: pairsA[i], b: pairsB[i] });
    }
    candidates.sort((u, v) => u.cost - v.cost || u.a - v.a || u.b - v.b);
    for (const { a, b } of candidates) {
      if (matched[a] !== 0 || matched[b] !== 0) continue;
      matched[a] = matched[b] = 1;
      roots[b] = a;
      if (++merges === n - k) break;
    }
  }
  return roots;
}

/**
 * The capped greedy on validated input (1 <= k <= N, finite features) with a cap that can reach k;
 * CappedClusterer.cluster is the checked entry.
 */
export async function runCapped(
  engine: TensorEngine,
  x: Matrix,
  k: number,
  cap: number,
  options: Required<CappedOptions> = DEFAULT_CAPPED_OPTIONS,
  pairCost?: PairCost,
): Promise<ClusterResult> {
  const n = x.rows;
  let roots: Int32Array;
  let merges: number;
  if (k === n) {
    roots = Int32Array.from({ length: n }, (_, i) => i);
    merges = 0;
  } else if (k === 1) {
    // One cluster, whatever the order of merges (cap >= N here).
    roots = new Int32Array(n);
    merges = n - 1;
  } else if (pairCost !== undefined && cap === 2) {
    roots = await matchPairs(engine, x, k, pairCost, options.neighbours, options.pairwiseBudgetBytes);
    merges = n - k;
  } else {
    const run = new CappedRun(engine, x, k, cap, options.neighbours, options.pairwiseBudgetBytes);
    roots = await run.run();
    merges = run.merges;
  }
  // Labels by first appearance: the cluster of unit 0 is 0, the next new one 1, and so on.
  const labelOf = new Int32Array(n).fill(-1);
  const labels = new Int32Array(n);
  let next = 0;
  for (let i = 0; i < n; i++) {
    const root = roots[i];
    if (labelOf[root] < 0) labelOf[root] = next++;
    labels[i] = labelOf[root];
  }
  const centroids = clusterMeans(x, labels, k);
  return { labels, centroids, inertia: exactInertia(x, labels, centroids), iterations: merges };
}

/** The size-capped agglomerative clusterer (name 'capped'); resolve it under TOKENS.Clusterer. */
@injectable()
export class CappedClusterer implements Clusterer {
  readonly name = 'capped';
  private resolved: Required<CappedOptions> = { ...DEFAULT_CAPPED_OPTIONS };

  constructor(@inject(TOKENS.TensorEngine) private readonly engine: TensorEngine) {}

  /** A clusterer on the same engine with these options over the current ones; throws OptionError. */
  withOptions(options: CappedOptions): CappedClusterer {
    const clusterer = new CappedClusterer(this.engine);
    clusterer.resolved = resolveCappedOptions({ ...this.resolved, ...options });
    return clusterer;
  }

  /** The options in use. */
  get options(): Readonly<Required<CappedOptions>> {
    return { ...this.resolved };
  }

  /**
   * Clusters the rows of `features` into k non-empty clusters of at most `cap` units each. With cap
   * 2 and options.pairCost, pairs are chosen by that cost among feature-space neighbours
   * (matchPairs); otherwise by Ward's cost. options.seed, nInit, maxIter and tol are not used (the
   * method is deterministic).
   * Throws MethodError on bad input or when the cap cannot reach k.
   */
  async cluster(features: Matrix, k: number, options: ClusterOptions): Promise<ClusterResult> {
    validateInput(features, k, options.group);
    const cap = effectiveCap(this.resolved.cap, features.rows, k, options.group);
    return runCapped(this.engine, features, k, cap, this.resolved, options.pairCost);
  }
}

/** A capped Clusterer on `engine` with optional options (cap, neighbours, pairwiseBudgetBytes). */
export function createCappedClusterer(engine: TensorEngine, options: CappedOptions = {}): CappedClusterer {
  return new CappedClusterer(engine).withOptions(options);
}
