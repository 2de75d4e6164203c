import { Random } from '@speechfold/core';
import { BinPlan } from './plan';

/** Random merges through the plan: every accepted one keeps it valid, and K is always reached. */
function randomMerges(n: number, k: number, cap: number, seed: number): number[] {
  const random = new Random(seed);
  const sizes = new Int32Array(n).fill(1);
  const plan = new BinPlan(sizes, k, cap);
  const live = Array.from({ length: n }, (_, i) => i);
  plan.check(live);
  let refused = 0;
  while (live.length > k) {
    const a = live[random.int(live.length)];
    const b = live[random.int(live.length)];
    if (a === b || sizes[a] + sizes[b] > cap) continue;
    if (!plan.host(a, b)) {
      refused++;
      plan.check(live);
      // A refusal leaves a pair in one bin: merging two clusters that share a bin is always possible.
      expect(refused).toBeLessThan(100000);
      continue;
    }
    expect(plan.binOfCluster(a)).toBe(plan.binOfCluster(b));
    const [survivor, dead] = a < b ? [a, b] : [b, a];
    sizes[survivor] += sizes[dead];
    plan.merged(survivor, dead);
    live.splice(live.indexOf(dead), 1);
    plan.check(live);
  }
  return live.map((id) => sizes[id]);
}

describe('BinPlan', () => {
  it('keeps K reachable under random merges for tight and loose caps', () => {
    for (const [n, k, cap] of [
      [6, 2, 3],
      [30, 10, 3],
      [31, 8, 4],
      [40, 30, 2],
      [50, 7, 8],
      [64, 2, 32],
    ]) {
      for (let seed = 0; seed < 20; seed++) {
        const sizes = randomMerges(n, k, cap, seed);
        expect(sizes).toHaveLength(k);
        expect(sizes.every((s) => s <= cap)).toBe(true);
        expect(sizes.reduce((s, v) => s + v, 0)).toBe(n);
      }
    }
  });

  it('never refuses two single units under cap 2', () => {
    const sizes = new Int32Array(10).fill(1);
    const plan = new BinPlan(sizes, 5, 2);
    // Units 0..9 sit in bins i mod 5: every bin is full.
    expect(plan.host(0, 1)).toBe(true);
    plan.check(Array.from({ length: 10 }, (_, i) => i));
  });

  it('refuses a merge that would leave K unreachable', () => {
    // Six units, cap 3, K = 2: after pairs {0,1} and {2,3}, the units 4 and 5 may not pair up.
    const sizes = new Int32Array(6).fill(1);
    const plan = new BinPlan(sizes, 2, 3);
    for (const [a, b] of [
      [0, 1],
      [2, 3],
    ]) {
      expect(plan.host(a, b)).toBe(true);
      sizes[a] += sizes[b];
      plan.merged(a, b);
    }
    expect(plan.host(4, 5)).toBe(false);
    plan.check([0, 2, 4, 5]);
    expect(plan.host(0, 4)).toBe(true);
  });
});
