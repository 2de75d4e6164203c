import { Random } from '@speechfold/core';
import { ZeroingMagnitudePruner } from './dense-magnitude';
import { MagnitudePruner } from './magnitude';
import { ffnForward, ffnGroup, maxAbsDiff, randomFfnBlock, randomInput } from './testing/blocks';

describe('ZeroingMagnitudePruner', () => {
  it('keeps shapes and computes what the structured pruner computes', () => {
    const rng = new Random(5);
    const tensors = randomFfnBlock(rng, 6, 10);
    const group = ffnGroup(10);
    const zeroed = new ZeroingMagnitudePruner().prune(group, tensors, 4);
    const pruned = new MagnitudePruner().prune(group, tensors, 4);
    expect(zeroed.get('fc1.weight')!.shape).toEqual([10, 6]);
    expect(pruned.get('fc1.weight')!.shape).toEqual([4, 6]);
    const zeroRows = Array.from({ length: 10 }, (_, u) =>
      zeroed.get('fc1.weight')!.data.subarray(u * 6, (u + 1) * 6).every((v) => v === 0),
    ).filter(Boolean).length;
    expect(zeroRows).toBe(6);
    const x = randomInput(rng, 3, 6);
    expect(maxAbsDiff(ffnForward(zeroed, x), ffnForward(pruned, x))).toBeLessThan(1e-6);
  });
});
