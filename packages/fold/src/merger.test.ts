import { Random, type GroupTensors, type Tensor } from '@speechfold/core';
import { FoldingMerger, mergeUnits } from './merger';
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
  randomTensor,
} from './testing/blocks';

const HIDDEN = 12;
const HEAD_DIM = 3;

function permutation(rng: Random, n: number): Int32Array {
  const p = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [p[i], p[j]] = [p[j], p[i]];
  }
  return p;
}

function get(tensors: GroupTensors, name: string): Tensor {
  const t = tensors.get(name);
  if (!t) throw new Error(`no ${name}`);
  return t;
}

/** Rows [r0, r1) of a 2-D tensor, or entries of a 1-D one. */
function rows(t: Tensor, r0: number, r1: number): number[] {
  const width = t.shape.length === 1 ? 1 : t.shape[1];
  return Array.from(t.data.subarray(r0 * width, r1 * width));
}

/** Columns [c0, c1) of a 2-D tensor, row by row. */
function cols(t: Tensor, c0: number, c1: number): number[] {
  const out: number[] = [];
  for (let r = 0; r < t.shape[0]; r++) out.push(...t.data.subarray(r * t.shape[1] + c0, r * t.shape[1] + c1));
  return out;
}

describe('FoldingMerger: K = N computes the same function', () => {
  const rng = new Random(11);
  const x = randomInput(rng, 5, HIDDEN);

  it.each([
    ['identity', (n: number) => Int32Array.from({ length: n }, (_, i) => i)],
    ['a random permutation', (n: number) => permutation(new Random(n), n)],
  ])('FFN with %s labels', (_, labelsOf) => {
    const block = randomFfnBlock(rng, HIDDEN, 16);
    const folded = mergeUnits(ffnGroup(16), block, labelsOf(16), 16);
    expect(maxAbsDiff(ffnForward(block, x), ffnForward(folded, x))).toBeLessThanOrEqual(1e-6);
  });

  it.each([
    ['identity', (n: number) => Int32Array.from({ length: n }, (_, i) => i), true],
    ['a random permutation', (n: number) => permutation(new Random(n + 1), n), true],
    ['a random permutation, no k bias', (n: number) => permutation(new Random(n + 2), n), false],
  ])('heads with %s labels', (_, labelsOf, kBias) => {
    const block = randomAttentionBlock(rng, HIDDEN, 4, HEAD_DIM, { kBias });
    const folded = mergeUnits(headsGroup(4, HEAD_DIM, { kBias }), block, labelsOf(4), 4);
    expect(maxAbsDiff(attentionForward(block, x, HEAD_DIM), attentionForward(folded, x, HEAD_DIM))).toBeLessThanOrEqual(1e-6);
  });

  it('really permutes the units (the check above is not vacuous)', () => {
    const block = randomFfnBlock(rng, HIDDEN, 6);
    const labels = Int32Array.from([2, 0, 1, 5, 3, 4]);
    const folded = mergeUnits(ffnGroup(6), block, labels, 6);
    // Unit 0 has label 2, so it is folded unit 2.
    expect(rows(get(folded, 'fc1.weight'), 2, 3)).toEqual(rows(get(block, 'fc1.weight'), 0, 1));
    expect(cols(get(folded, 'fc2.weight'), 2, 3)).toEqual(cols(get(block, 'fc2.weight'), 0, 1));
  });
});

describe('FoldingMerger: exact duplicates fold with no change in output', () => {
  const rng = new Random(12);
  const x = randomInput(rng, 6, HIDDEN);
  // Unit i of the model is a copy of base unit source[i]; the labels group the copies.
  const source = Int32Array.from([0, 1, 0, 2, 3, 1, 4, 0, 2, 3, 4, 4]);

  it('FFN: duplicate fc1 rows and biases, arbitrary fc2 columns', () => {
    const base = randomFfnBlock(rng, HIDDEN, 5);
    const block = randomFfnBlock(rng, HIDDEN, source.length); // fc2 columns stay arbitrary
    const fc1 = get(block, 'fc1.weight');
    const bias = get(block, 'fc1.bias');
    source.forEach((b, i) => {
      fc1.data.set(rows(get(base, 'fc1.weight'), b, b + 1), i * HIDDEN);
      bias.data[i] = get(base, 'fc1.bias').data[b];
    });
    const folded = mergeUnits(ffnGroup(source.length), block, source, 5);
    expect(get(folded, 'fc1.weight').shape).toEqual([5, HIDDEN]);
    expect(get(folded, 'fc2.weight').shape).toEqual([HIDDEN, 5]);
    expect(maxRelDiff(ffnForward(block, x), ffnForward(folded, x))).toBeLessThanOrEqual(1e-5);
  });

  it.each([true, false])('heads: duplicate q, k, v blocks (k bias %s)', (kBias) => {
    const headSource = Int32Array.from([0, 1, 0, 1]);
    const block = randomAttentionBlock(rng, HIDDEN, 4, HEAD_DIM, { kBias });
    const group = headsGroup(4, HEAD_DIM, { kBias });
    for (const slice of group.producers) {
      const t = get(block, slice.tensor);
      const width = t.shape.length === 1 ? 1 : t.shape[1];
      headSource.forEach((b, h) => {
        if (b !== h) t.data.set(rows(t, b * HEAD_DIM, (b + 1) * HEAD_DIM), h * HEAD_DIM * width);
      });
    }
    const folded = mergeUnits(group, block, headSource, 2);
    expect(get(folded, 'q_proj.weight').shape).toEqual([2 * HEAD_DIM, HIDDEN]);
    expect(get(folded, 'out_proj.weight').shape).toEqual([HIDDEN, 2 * HEAD_DIM]);
    expect(maxRelDiff(attentionForward(block, x, HEAD_DIM), attentionForward(folded, x, HEAD_DIM))).toBeLessThanOrEqual(1e-5);
  });

  it('the forward pass does notice a lossy fold of distinct units', () => {
    const block = randomFfnBlock(rng, HIDDEN, source.length);
    const folded = mergeUnits(ffnGroup(source.length), block, source, 5);
    expect(maxRelDiff(ffnForward(block, x), ffnForward(folded, x))).toBeGreaterThan(1e-2);
  });
});

describe('FoldingMerger: values', () => {
  const rng = new Random(13);

  it('heads: q, k, v blocks are averaged per cluster, out_proj head blocks summed', () => {
    const block = randomAttentionBlock(rng, HIDDEN, 4, HEAD_DIM);
    const labels = Int32Array.from([1, 0, 1, 2]);
    const folded = new FoldingMerger().merge(headsGroup(4, HEAD_DIM), block, labels, 3);
    const d = HEAD_DIM;
    for (const name of ['q_proj.weight', 'q_proj.bias', 'k_proj.weight', 'k_proj.bias', 'v_proj.weight', 'v_proj.bias']) {
      const before = get(block, name);
      const after = get(folded, name);
      expect(rows(after, 0, d)).toEqual(rows(before, d, 2 * d)); // cluster 0 = head 1
      const mean = rows(before, 0, d).map((v, i) => (v + rows(before, 2 * d, 3 * d)[i]) / 2);
      rows(after, d, 2 * d).forEach((v, i) => expect(v).toBeCloseTo(mean[i], 6)); // cluster 1 = heads 0, 2
      expect(rows(after, 2 * d, 3 * d)).toEqual(rows(before, 3 * d, 4 * d)); // cluster 2 = head 3
    }
    const out = get(block, 'out_proj.weight');
    const outFolded = get(folded, 'out_proj.weight');
    expect(cols(outFolded, 0, d)).toEqual(cols(out, d, 2 * d));
    const sum = cols(out, 0, d).map((v, i) => v + cols(out, 2 * d, 3 * d)[i]);
    cols(outFolded, d, 2 * d).forEach((v, i) => expect(v).toBeCloseTo(sum[i], 6));
    expect(cols(outFolded, 2 * d, 3 * d)).toEqual(cols(out, 3 * d, 4 * d));
    // Never folded: out_proj.bias comes back as the same tensor.
    expect(folded.get('out_proj.bias')).toBe(block.get('out_proj.bias'));
  });

  it('FFN: fc1 rows and biases are means, fc2 columns sums, fc2.bias untouched, inputs unmodified', () => {
    const block: GroupTensors = new Map([
      ['fc1.weight', { shape: [3, 2], data: Float32Array.from([1, 2, 3, 4, 5, 6]) }],
      ['fc1.bias', { shape: [3], data: Float32Array.from([1, 2, 4]) }],
      ['fc2.weight', { shape: [2, 3], data: Float32Array.from([1, 10, 100, 2, 20, 200]) }],
      ['fc2.bias', { shape: [2], data: Float32Array.from([7, 8]) }],
      ['other', randomTensor(rng, [2])],
    ]);
    const copy = new Map([...block].map(([k, t]) => [k, { shape: [...t.shape], data: t.data.slice() }]));
    const folded = mergeUnits(ffnGroup(3), block, Int32Array.from([0, 1, 0]), 2);
    expect(Array.from(get(folded, 'fc1.weight').data)).toEqual([3, 4, 3, 4]);
    expect(Array.from(get(folded, 'fc1.bias').data)).toEqual([2.5, 2]);
    expect(Array.from(get(folded, 'fc2.weight').data)).toEqual([101, 10, 202, 20]);
    expect(folded.get('fc2.bias')).toBe(block.get('fc2.bias'));
    expect(folded.get('other')).toBe(block.get('other'));
    expect(block).toEqual(copy);
  });
});
