import { Random } from '@speechfold/core';
import { DenseExport, denseEquivalent, expandUnits } from './dense';
import { mergeUnits } from './merger';
import { MagnitudeScorer, StructuredPruner } from './magnitude';
import {
  attentionForward,
  ffnForward,
  ffnGroup,
  headsGroup,
  maxAbsDiff,
  maxRelDiff,
  randomAttentionBlock,
  randomFfnBlock,
  randomInput,
} from './testing/blocks';

describe('denseEquivalent', () => {
  const rng = new Random(41);
  const x = randomInput(rng, 5, 8);

  it.each([false, true])('FFN: original shapes, same output as the folded model (repair %s)', (repair) => {
    const block = randomFfnBlock(rng, 8, 10);
    const labels = Int32Array.from([3, 0, 1, 0, 2, 3, 3, 1, 0, 2]);
    const folded = mergeUnits(ffnGroup(10), block, labels, 4, { repair });
    const dense = denseEquivalent(ffnGroup(10), block, labels, 4, { repair });
    for (const [name, t] of block) expect(dense.get(name)!.shape).toEqual(t.shape);
    const yFolded = ffnForward(folded, x);
    expect(maxRelDiff(yFolded, ffnForward(dense, x))).toBeLessThanOrEqual(1e-5);
    // And it is not the original function (the fold is lossy here).
    expect(maxRelDiff(ffnForward(block, x), ffnForward(dense, x))).toBeGreaterThan(1e-3);
    // Members share the cluster's producer row; consumers are the folded column / cluster size.
    const fc1 = dense.get('fc1.weight')!.data;
    expect(Array.from(fc1.subarray(0, 8))).toEqual(Array.from(fc1.subarray(40, 48))); // units 0, 5: cluster 3
    expect(dense.get('fc2.weight')!.data[1]).toBeCloseTo(folded.get('fc2.weight')!.data[0] / 3, 6);
  });

  it('heads: same output as the folded model', () => {
    const d = 2;
    const block = randomAttentionBlock(rng, 8, 4, d, { kBias: false });
    const group = headsGroup(4, d, { kBias: false });
    const labels = Int32Array.from([1, 0, 1, 0]);
    const folded = mergeUnits(group, block, labels, 2);
    const dense = new DenseExport().expand(group, mergeUnits(group, block, labels, 2), labels, 2);
    expect(dense.get('q_proj.weight')!.shape).toEqual([8, 8]);
    expect(dense.get('out_proj.weight')!.shape).toEqual([8, 8]);
    expect(maxRelDiff(attentionForward(folded, x, d), attentionForward(dense, x, d))).toBeLessThanOrEqual(1e-5);
  });
});

describe('DenseExport of pruning', () => {
  it('zeroes the removed units at the original shapes and computes what the pruned model computes', () => {
    const rng = new Random(5);
    const tensors = randomFfnBlock(rng, 6, 10);
    const group = ffnGroup(10);
    const { tensors: pruned, assignment } = new StructuredPruner(new MagnitudeScorer()).prune(group, tensors, 4);
    const zeroed = new DenseExport().expand(group, pruned, assignment!, 4);
    expect(zeroed.get('fc1.weight')!.shape).toEqual([10, 6]);
    expect(pruned.get('fc1.weight')!.shape).toEqual([4, 6]);
    const zeroRows = Array.from({ length: 10 }, (_, u) =>
      zeroed.get('fc1.weight')!.data.subarray(u * 6, (u + 1) * 6).every((v) => v === 0),
    ).filter(Boolean).length;
    expect(zeroRows).toBe(6);
    const x = randomInput(rng, 3, 6);
    expect(maxAbsDiff(ffnForward(zeroed, x), ffnForward(pruned, x))).toBeLessThan(1e-6);
  });

  it('refuses an assignment that does not fit the group', () => {
    const block = randomFfnBlock(new Random(1), 3, 4);
    const compact = mergeUnits(ffnGroup(4), block, [0, 0, 1, 1], 2);
    expect(() => expandUnits(ffnGroup(4), compact, [0, 1, 2, -1], 2)).toThrow(/assignment of unit 2 in \[-1, 2\)/);
    expect(() => expandUnits(ffnGroup(4), compact, [0, 0, 0, -1], 2)).toThrow(/compact unit .* found 1 without/);
    expect(() => expandUnits(ffnGroup(4), compact, [0, 1], 2)).toThrow(/expected 4 assignments/);
  });
});
