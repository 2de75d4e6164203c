import { Random, type GroupTensors } from '@speechfold/core';
import fc from 'fast-check';
import { kthSmallest, UnstructuredMagnitudePruner, zeroCount } from './unstructured';
import { ffnGroup, headsGroup, randomAttentionBlock, randomFfnBlock } from './testing/blocks';

function zeros(data: Float32Array): number {
  return data.reduce((n, v) => n + (v === 0 ? 1 : 0), 0);
}

describe('UnstructuredMagnitudePruner', () => {
  const unstructured = new UnstructuredMagnitudePruner();
  const pruner = { prune: (...args: Parameters<UnstructuredMagnitudePruner['prune']>) => unstructured.prune(...args).tensors };

  it('FFN: zeroes exactly 1 - K/N of each weight matrix, the smallest |w|, shapes and biases unchanged', () => {
    const block = randomFfnBlock(new Random(31), 5, 8);
    const pruned = pruner.prune(ffnGroup(8), block, 6); // 1 - 6/8 = 25% of 40 entries = 10
    expect([unstructured.name, unstructured.structured]).toEqual(['magnitude-unstructured', false]);
    expect(unstructured.prune(ffnGroup(8), block, 6).assignment).toBeNull();
    for (const name of ['fc1.weight', 'fc2.weight']) {
      const before = block.get(name)!;
      const after = pruned.get(name)!;
      expect(after.shape).toEqual(before.shape);
      expect(zeros(after.data)).toBe(10);
      const cut = Array.from(before.data).map(Math.abs).sort((a, b) => a - b)[9];
      after.data.forEach((v, i) => {
        if (Math.abs(before.data[i]) <= cut) expect(v).toBe(0);
        else expect(v).toBe(before.data[i]);
      });
    }
    expect(pruned.get('fc1.bias')).toBe(block.get('fc1.bias'));
    expect(pruned.get('fc2.bias')).toBe(block.get('fc2.bias'));
    expect(zeros(block.get('fc1.weight')!.data)).toBe(0); // the input is left alone
  });

  it('heads: each of q, k, v and out_proj loses the same fraction', () => {
    const block = randomAttentionBlock(new Random(32), 8, 4, 2);
    const pruned = pruner.prune(headsGroup(4, 2), block, 3); // 25% of 64 = 16
    for (const name of ['q_proj.weight', 'k_proj.weight', 'v_proj.weight', 'out_proj.weight']) {
      expect(pruned.get(name)!.shape).toEqual([8, 8]);
      expect(zeros(pruned.get(name)!.data)).toBe(16);
    }
    for (const name of ['q_proj.bias', 'k_proj.bias', 'v_proj.bias', 'out_proj.bias']) expect(pruned.get(name)).toBe(block.get(name));
  });

  it('breaks ties by the lower index so the count is exact, and zeroes nothing at K = N', () => {
    const block: GroupTensors = new Map([
      ['fc1.weight', { shape: [4, 2], data: new Float32Array(8).fill(0.5) }],
      ['fc1.bias', { shape: [4], data: new Float32Array(4) }],
      ['fc2.weight', { shape: [1, 4], data: Float32Array.from([1, -1, 2, -2]) }],
    ]);
    const pruned = pruner.prune(ffnGroup(4), block, 1); // 75%: 6 of 8, 3 of 4
    expect(Array.from(pruned.get('fc1.weight')!.data)).toEqual([0, 0, 0, 0, 0, 0, 0.5, 0.5]);
    expect(Array.from(pruned.get('fc2.weight')!.data)).toEqual([0, 0, 0, -2]);
    expect(Array.from(pruner.prune(ffnGroup(4), block, 4).get('fc2.weight')!.data)).toEqual([1, -1, 2, -2]);
  });

  it('rounds the count to the nearest entry', () => {
    expect(zeroCount(10, 3, 2)).toBe(3); // 3.33
    expect(zeroCount(10, 3, 1)).toBe(7); // 6.67
  });

  it('kthSmallest agrees with a sort, duplicates and constant runs included', () => {
    const values = fc.array(fc.integer({ min: -4, max: 4 }), { minLength: 1, maxLength: 60 });
    fc.assert(
      fc.property(values, fc.nat(), (list, at) => {
        const data = Float32Array.from(list);
        const k = at % data.length;
        expect(kthSmallest(data.slice(), k)).toBe(data.slice().sort()[k]);
      }),
      { seed: 7, numRuns: 300 },
    );
    const sorted = Float32Array.from({ length: 1000 }, (_, i) => i);
    expect(kthSmallest(sorted.slice(), 999)).toBe(999);
    expect(kthSmallest(new Float32Array(1000).fill(3), 500)).toBe(3);
  });
});
