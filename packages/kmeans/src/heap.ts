/**
 * A binary min-heap of merge candidates for the capped clusterer (capped.ts), in growable typed
 * arrays: entries are ordered by key, then by `a`, then by `b`, so equal keys pop in a fixed order
 * and the clustering is reproducible. Each entry also carries two stamps (`va`, `vb`) that the
 * caller compares with its own counters to skip stale entries lazily.
 */

/** One popped entry; `pop` fills and returns the same object each time. */
export interface HeapEntry {
  key: number;
  a: number;
  b: number;
  va: number;
  vb: number;
}

export class MergeHeap {
  private keys: Float64Array;
  private as: Int32Array;
  private bs: Int32Array;
  private vas: Int32Array;
  private vbs: Int32Array;
  private count = 0;
  private readonly entry: HeapEntry = { key: 0, a: 0, b: 0, va: 0, vb: 0 };

  constructor(capacity = 1024) {
    const size = Math.max(1, capacity);
    this.keys = new Float64Array(size);
    this.as = new Int32Array(size);
    this.bs = new Int32Array(size);
    this.vas = new Int32Array(size);
    this.vbs = new Int32Array(size);
  }

  get size(): number {
    return this.count;
  }

  push(key: number, a: number, b: number, va: number, vb: number): void {
    if (this.count === this.keys.length) this.grow();
    let i = this.count++;
    // Sift up: move parents down until the new entry's place is found, then write it once.
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.before(key, a, b, parent)) break;
      this.copy(parent, i);
      i = parent;
    }
    this.write(i, key, a, b, va, vb);
  }

  /** Removes and returns the smallest entry, or null when the heap is empty. */
  pop(): HeapEntry | null {
    if (this.count === 0) return null;
    const out = this.entry;
    out.key = this.keys[0];
    out.a = this.as[0];
    out.b = this.bs[0];
    out.va = this.vas[0];
    out.vb = this.vbs[0];
    const last = --this.count;
    if (last > 0) {
      const key = this.keys[last];
      const a = this.as[last];
      const b = this.bs[last];
      const va = this.vas[last];
      const vb = this.vbs[last];
      // Sift down the former last entry from the root.
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        if (left >= last) break;
        const right = left + 1;
        const child = right < last && this.less(right, left) ? right : left;
        if (!this.before(this.keys[child], this.as[child], this.bs[child], -1, key, a, b)) break;
        this.copy(child, i);
        i = child;
      }
      this.write(i, key, a, b, va, vb);
    }
    return out;
  }

  /** Entry (key, a, b) orders before slot j, or before (key2, a2, b2) when j is -1. */
  private before(key: number, a: number, b: number, j: number, key2 = 0, a2 = 0, b2 = 0): boolean {
    if (j >= 0) {
      key2 = this.keys[j];
      a2 = this.as[j];
      b2 = this.bs[j];
    }
    if (key !== key2) return key < key2;
    if (a !== a2) return a < a2;
    return b < b2;
  }

  private less(i: number, j: number): boolean {
    return this.before(this.keys[i], this.as[i], this.bs[i], j);
  }

  private copy(from: number, to: number): void {
    this.keys[to] = this.keys[from];
    this.as[to] = this.as[from];
    this.bs[to] = this.bs[from];
    this.vas[to] = this.vas[from];
    this.vbs[to] = this.vbs[from];
  }

  private write(i: number, key: number, a: number, b: number, va: number, vb: number): void {
    this.keys[i] = key;
    this.as[i] = a;
    this.bs[i] = b;
    this.vas[i] = va;
    this.vbs[i] = vb;
  }

  private grow(): void {
    const size = this.keys.length * 2;
    const grown = <T extends Float64Array | Int32Array>(old: T, fresh: T): T => {
      fresh.set(old);
      return fresh;
    };
    this.keys = grown(this.keys, new Float64Array(size));
    this.as = grown(this.as, new Int32Array(size));
    this.bs = grown(this.bs, new Int32Array(size));
    this.vas = grown(this.vas, new Int32Array(size));
    this.vbs = grown(this.vbs, new Int32Array(size));
  }
}
