/**
 * A packing plan for the capped clusterer (capped.ts): a proof that the current clusters can still
 * be merged down to K clusters of at most `cap` units.
 *
 * Greedy merging under a cap can get stuck: with cap 3, six units merged into three pairs can never
 * become two clusters, although ceil(6 / 3) = 2. The plan prevents that. It keeps every current
 * cluster in one of K bins of capacity `cap` (initially unit i in bin i mod K, which fits because
 * K x cap >= N). Two clusters may merge only when the plan can put them in one bin; the merged
 * cluster then stays in that bin, so the plan stays valid, and while more than K clusters remain
 * some bin holds two of them, which may always merge. So the greedy can always go on to exactly K.
 *
 * Bringing two clusters into one bin moves one of them into the other's bin, first evicting other
 * clusters from that bin into bins with room when needed (best fit). It is a heuristic: it may
 * refuse a merge that a cleverer repacking would allow (the merge is then skipped), but it never
 * accepts one that makes K unreachable. With cap 2 it never refuses a merge of two single units.
 */
export class BinPlan {
  /** Bin of each cluster id (units are ids; a merged cluster keeps its survivor's id). */
  private readonly binOf: Int32Array;
  /** Position of each cluster id in its bin's item list. */
  private readonly itemPos: Int32Array;
  private readonly load: Int32Array;
  private readonly items: number[][];
  /** Bins by free room: roomBins[r] lists the bins with cap - load = r. */
  private readonly roomBins: number[][];
  private readonly roomPos: Int32Array;

  /**
   * @param sizes size of each cluster id, read live (the clusterer's own array)
   * @param k number of bins (the target number of clusters); k x cap must be >= sizes.length
   */
  constructor(
    private readonly sizes: Int32Array,
    k: number,
    private readonly cap: number,
  ) {
    const n = sizes.length;
    this.binOf = new Int32Array(n);
    this.itemPos = new Int32Array(n);
    this.load = new Int32Array(k);
    this.items = Array.from({ length: k }, () => []);
    this.roomBins = Array.from({ length: cap + 1 }, () => []);
    this.roomPos = new Int32Array(k);
    for (let bin = 0; bin < k; bin++) {
      this.roomPos[bin] = this.roomBins[cap].length;
      this.roomBins[cap].push(bin);
    }
    for (let i = 0; i < n; i++) this.attach(i, i % k);
  }

  /** The bin of a live cluster. */
  binOfCluster(id: number): number {
    return this.binOf[id];
  }

  /**
   * Rearranges the plan so that clusters a and b share a bin, and returns true; or returns false
   * and leaves the plan as it was. The caller checks size(a) + size(b) <= cap first.
   */
  host(a: number, b: number): boolean {
    if (this.binOf[a] === this.binOf[b]) return true;
    // Moving the smaller one needs less room; try it first.
    const [small, large] = this.sizes[a] <= this.sizes[b] ? [a, b] : [b, a];
    return this.moveBeside(large, small) || this.moveBeside(small, large);
  }

  /** Cluster `dead` was merged into `survivor` (they share a bin): `dead` leaves the plan. */
  merged(survivor: number, dead: number): void {
    const bin = this.binOf[dead];
    if (this.binOf[survivor] !== bin) throw new Error('BinPlan: merged clusters must share a bin');
    this.removeItem(dead, bin);
    // The bin's load is unchanged: survivor now holds dead's units.
  }

  /** Checks the plan's invariants against the live cluster ids (for tests). */
  check(live: readonly number[]): void {
    const load = new Int32Array(this.load.length);
    for (const id of live) load[this.binOf[id]] += this.sizes[id];
    let count = 0;
    for (let bin = 0; bin < this.load.length; bin++) {
      if (load[bin] !== this.load[bin] || load[bin] > this.cap) throw new Error(`BinPlan: bin ${bin} load is wrong`);
      count += this.items[bin].length;
      const room = this.cap - load[bin];
      if (this.roomBins[room][this.roomPos[bin]] !== bin) throw new Error(`BinPlan: bin ${bin} not in its room list`);
    }
    if (count !== live.length) throw new Error('BinPlan: item count differs from the live clusters');
  }

  /** Tries to move `moved` into the bin of `stay`, evicting other clusters from it if needed. */
  private moveBeside(stay: number, moved: number): boolean {
    const target = this.binOf[stay];
    const source = this.binOf[moved];
    const size = this.sizes[moved];
    if (this.room(target) >= size) {
      this.detach(moved);
      this.attach(moved, target);
      return true;
    }
    this.detach(moved);
    const undo: [number, number][] = [];
    const others = this.items[target].filter((id) => id !== stay);
    others.sort((x, y) => this.sizes[x] - this.sizes[y] || x - y);
    const need = size - this.room(target);
    // One eviction that frees enough room, the smallest that has somewhere to go.
    for (const id of others) {
      if (this.sizes[id] < need) continue;
      const dest = this.findBin(this.sizes[id], target);
      if (dest < 0) continue;
      this.relocate(id, dest, undo);
      break;
    }
    // Otherwise several, smallest first.
    for (const id of others) {
      if (this.room(target) >= size) break;
      if (this.binOf[id] !== target) continue;
      const dest = this.findBin(this.sizes[id], target);
      if (dest >= 0) this.relocate(id, dest, undo);
    }
    if (this.room(target) >= size) {
      this.attach(moved, target);
      return true;
    }
    for (let u = undo.length - 1; u >= 0; u--) {
      const [id, from] = undo[u];
      this.detach(id);
      this.attach(id, from);
    }
    this.attach(moved, source);
    return false;
  }

  private relocate(id: number, dest: number, undo: [number, number][]): void {
    undo.push([id, this.binOf[id]]);
    this.detach(id);
    this.attach(id, dest);
  }

  private room(bin: number): number {
    return this.cap - this.load[bin];
  }

  /** The bin other than `exclude` with the least room >= size (best fit), or -1. */
  private findBin(size: number, exclude: number): number {
    for (let r = size; r <= this.cap; r++) {
      const bins = this.roomBins[r];
      if (bins.length === 0) continue;
      if (bins[0] !== exclude) return bins[0];
      if (bins.length > 1) return bins[1];
    }
    return -1;
  }

  private attach(id: number, bin: number): void {
    this.binOf[id] = bin;
    this.itemPos[id] = this.items[bin].length;
    this.items[bin].push(id);
    this.setLoad(bin, this.load[bin] + this.sizes[id]);
  }

  private detach(id: number): void {
    const bin = this.binOf[id];
    this.removeItem(id, bin);
    this.setLoad(bin, this.load[bin] - this.sizes[id]);
  }

  private removeItem(id: number, bin: number): void {
    const list = this.items[bin];
    const pos = this.itemPos[id];
    const last = list.pop() as number;
    if (last !== id) {
      list[pos] = last;
      this.itemPos[last] = pos;
    }
  }

  private setLoad(bin: number, load: number): void {
    if (load > this.cap || load < 0) throw new Error(`BinPlan: bin ${bin} would hold ${load} units`);
    const from = this.roomBins[this.cap - this.load[bin]];
    const pos = this.roomPos[bin];
    const last = from.pop() as number;
    if (last !== bin) {
      from[pos] = last;
      this.roomPos[last] = pos;
    }
    this.load[bin] = load;
    const to = this.roomBins[this.cap - load];
    this.roomPos[bin] = to.length;
    to.push(bin);
  }
}
