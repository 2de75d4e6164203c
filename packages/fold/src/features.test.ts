import { createContainer, Random, TOKENS, type FeatureExtractor, type GroupTensors } from '@speechfold/core';
import { UnitFeatureExtractor, unitFeatures } from './features';
import { ffnGroup, headsGroup, randomAttentionBlock } from './testing/blocks';

describe('unitFeatures', () => {
  it('FFN: row i is fc1 row i, fc1.bias[i], then fc2 column i', () => {
    const block: GroupTensors = new Map([
      ['fc1.weight', { shape: [3, 2], data: Float32Array.from([1, 2, 3, 4, 5, 6]) }],
      ['fc1.bias', { shape: [3], data: Float32Array.from([7, 8, 9]) }],
      ['fc2.weight', { shape: [2, 3], data: Float32Array.from([10, 11, 12, 13, 14, 15]) }],
      ['fc2.bias', { shape: [2], data: Float32Array.from([0, 0]) }],
    ]);
    const f = unitFeatures(ffnGroup(3), block);
    expect([f.rows, f.cols]).toEqual([3, 5]);
    expect(Array.from(f.data)).toEqual([1, 2, 7, 10, 13, 3, 4, 8, 11, 14, 5, 6, 9, 12, 15]);
  });

  it.each([true, false])('heads: q, k, v rows and biases of the head, then out_proj columns transposed (k bias %s)', (kBias) => {
    const hidden = 4;
    const d = 2;
    const block = randomAttentionBlock(new Random(3), hidden, 2, d, { kBias });
    const f = new UnitFeatureExtractor().features(headsGroup(2, d, { kBias }), block);
    const perProj = d * hidden + d;
    expect(f.cols).toBe(3 * perProj - (kBias ? 0 : d) + hidden * d);
    const head = 1;
    const row = Array.from(f.data.subarray(head * f.cols, (head + 1) * f.cols));
    const at = (name: string) => block.get(name)!.data;
    const expected: number[] = [
      ...at('q_proj.weight').subarray(head * d * hidden, (head + 1) * d * hidden),
      ...at('q_proj.bias').subarray(head * d, (head + 1) * d),
      ...at('k_proj.weight').subarray(head * d * hidden, (head + 1) * d * hidden),
      ...(kBias ? at('k_proj.bias').subarray(head * d, (head + 1) * d) : []),
      ...at('v_proj.weight').subarray(head * d * hidden, (head + 1) * d * hidden),
      ...at('v_proj.bias').subarray(head * d, (head + 1) * d),
    ];
    // out_proj [H, 2d]: the head's columns, transposed (channel j of the head, then every output row).
    const out = at('out_proj.weight');
    for (let j = 0; j < d; j++) for (let r = 0; r < hidden; r++) expected.push(out[r * 2 * d + head * d + j]);
    expect(row).toEqual(expected);
  });

  it('reads slices of higher-rank tensors along any axis, from a start offset', () => {
    // A [2, 5, 2] tensor whose units are indices 1..4 of axis 1, two units of size 2.
    const t = { shape: [2, 5, 2], data: Float32Array.from({ length: 20 }, (_, i) => i) };
    const group = { ...ffnGroup(2), producers: [{ tensor: 't', axis: 1, start: 1, unitSize: 2 }], consumers: [] };
    const f = unitFeatures(group, new Map([['t', t]]));
    // Unit 0 = axis-1 indices 1, 2; each index contributes its [outer, inner] values.
    expect(Array.from(f.data.subarray(0, 8))).toEqual([2, 3, 12, 13, 4, 5, 14, 15]);
    expect(Array.from(f.data.subarray(8))).toEqual([6, 7, 16, 17, 8, 9, 18, 19]);
  });

  it('is what the container hands out for the FeatureExtractor token', () => {
    const c = createContainer();
    c.register(TOKENS.FeatureExtractor, { useClass: UnitFeatureExtractor });
    expect(c.resolve<FeatureExtractor>(TOKENS.FeatureExtractor)).toBeInstanceOf(UnitFeatureExtractor);
  });
});
