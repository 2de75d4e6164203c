import { Random, type GroupTensors } from '@speechfold/core';
import { mergeUnits } from './merger';
import { foldArScale, foldArScales, meanPairwiseCosine, producerRow } from './repair';
import { ffnForward, ffnGroup, headsGroup, maxRelDiff, randomAttentionBlock, randomFfnBlock, randomInput } from './testing/blocks';

function handBlock(): GroupTensors {
  return new Map([
    ['fc1.weight', { shape: [4, 2], data: Float32Array.from([1, 0, 1, 1, 0, 2, 0, 1]) }],
    ['fc1.bias', { shape: [4], data: Float32Array.from([0.5, 1, 2, 3]) }],
    ['fc2.weight', { shape: [2, 4], data: Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8]) }],
    ['fc2.bias', { shape: [2], data: Float32Array.from([0, 0]) }],
  ]);
}

describe('Fold-AR repair', () => {
  it('matches n / sqrt(n + (n^2 - n) E) on a hand-built case', () => {
    // Cluster 0 = rows [1,0] and [1,1]: cosine 1/sqrt(2); cluster 1 = [0,2] and [0,1]: cosine 1.
    const block = handBlock();
    const labels = Int32Array.from([0, 0, 1, 1]);
    const repaired = mergeUnits(ffnGroup(4), block, labels, 2, { repair: true });
    const e = Math.SQRT1_2;
    const s = 2 / Math.sqrt(2 + 2 * e); // 1.0823922...
    expect(s).toBeCloseTo(1.0823922, 6);
    const w = Array.from(repaired.get('fc1.weight')!.data);
    const b = Array.from(repaired.get('fc1.bias')!.data);
    [1 * s, 0.5 * s, 0, 1.5].forEach((v, i) => expect(w[i]).toBeCloseTo(v, 6));
    // Identical directions (cosine 1): the formula gives exactly 1, the plain mean.
    [0.75 * s, 2.5].forEach((v, i) => expect(b[i]).toBeCloseTo(v, 6));
    // Consumers are sums either way.
    expect(Array.from(repaired.get('fc2.weight')!.data)).toEqual([3, 7, 11, 15]);
  });

  it('uses the mean over all pairs for larger clusters', () => {
    // [1,0], [0,1], [1,1]: cosines 0, 1/sqrt(2), 1/sqrt(2) -> E = sqrt(2)/3.
    const rows = [[1, 0], [0, 1], [1, 1]].map((r) => Float64Array.from(r));
    const e = Math.SQRT2 / 3;
    expect(meanPairwiseCosine(rows)).toBeCloseTo(e, 12);
    expect(foldArScale(3, e)).toBeCloseTo(3 / Math.sqrt(3 + 6 * e), 12);
    expect(foldArScale(3, e)).toBeCloseTo(1.2426407, 6);
  });

  it('agrees with the brute-force mean of pairwise cosines, zero rows included', () => {
    const rng = new Random(5);
    const rows = Array.from({ length: 6 }, () => Float64Array.from(rng.fillNormal(new Float32Array(7))));
    rows.push(new Float64Array(7));
    let sum = 0;
    let pairs = 0;
    for (let i = 0; i < rows.length; i++) {
      for (let j = i + 1; j < rows.length; j++) {
        const dot = rows[i].reduce((s, v, k) => s + v * rows[j][k], 0);
        const ni = Math.hypot(...rows[i]);
        const nj = Math.hypot(...rows[j]);
        sum += ni === 0 || nj === 0 ? 0 : dot / (ni * nj);
        pairs++;
      }
    }
    expect(meanPairwiseCosine(rows)).toBeCloseTo(sum / pairs, 12);
  });

  it('changes only clusters with more than one member, and only their producers', () => {
    const rng = new Random(6);
    const block = randomFfnBlock(rng, 8, 6);
    const labels = Int32Array.from([0, 1, 0, 2, 3, 0]); // clusters 1, 2, 3 are singletons
    const plain = mergeUnits(ffnGroup(6), block, labels, 4);
    const repaired = mergeUnits(ffnGroup(6), block, labels, 4, { repair: true });
    const w0 = plain.get('fc1.weight')!.data;
    const w1 = repaired.get('fc1.weight')!.data;
    expect(Array.from(w1.subarray(8))).toEqual(Array.from(w0.subarray(8)));
    expect(Array.from(repaired.get('fc1.bias')!.data.subarray(1))).toEqual(Array.from(plain.get('fc1.bias')!.data.subarray(1)));
    const ratio = w1[0] / w0[0];
    expect(ratio).toBeGreaterThan(1);
    for (let i = 0; i < 8; i++) expect(w1[i] / w0[i]).toBeCloseTo(ratio, 5);
    expect(repaired.get('fc1.bias')!.data[0] / plain.get('fc1.bias')!.data[0]).toBeCloseTo(ratio, 5);
    expect(Array.from(repaired.get('fc2.weight')!.data)).toEqual(Array.from(plain.get('fc2.weight')!.data));
  });

  it('keeps exact duplicates exact (E = 1 gives scale 1)', () => {
    const rng = new Random(7);
    const block = randomFfnBlock(rng, 8, 4);
    const w = block.get('fc1.weight')!.data;
    w.copyWithin(8, 0, 8); // unit 1 = unit 0
    block.get('fc1.bias')!.data[1] = block.get('fc1.bias')!.data[0];
    const x = randomInput(rng, 4, 8);
    const folded = mergeUnits(ffnGroup(4), block, Int32Array.from([0, 0, 1, 2]), 3, { repair: true });
    expect(maxRelDiff(ffnForward(block, x), ffnForward(folded, x))).toBeLessThanOrEqual(1e-5);
  });

  it('heads: compares the concatenated q, k, v rows of each head', () => {
    const d = 2;
    const block = randomAttentionBlock(new Random(8), 4, 3, d, { kBias: false });
    const group = headsGroup(3, d, { kBias: false });
    expect(producerRow(group, block, 0).length).toBe(3 * d * 4);
    const rows = [0, 2].map((h) => producerRow(group, block, h));
    const scales = foldArScales(group, block, [[0, 2], [1]]);
    expect(scales[0]).toBeCloseTo(foldArScale(2, meanPairwiseCosine(rows)), 12);
    expect(scales[1]).toBe(1);
  });
});
