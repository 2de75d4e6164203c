import { Random } from '@speechfold/core';
import { DenseFoldingMerger, denseEquivalent } from './dense';
import { mergeUnits } from './merger';
import {
  attentionForward,
  ffnForward,
  ffnGroup,
  headsGroup,
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
    const dense = new DenseFoldingMerger().merge(group, block, labels, 2);
    expect(dense.get('q_proj.weight')!.shape).toEqual([8, 8]);
    expect(dense.get('out_proj.weight')!.shape).toEqual([8, 8]);
    expect(maxRelDiff(attentionForward(folded, x, d), attentionForward(dense, x, d))).toBeLessThanOrEqual(1e-5);
  });
});
