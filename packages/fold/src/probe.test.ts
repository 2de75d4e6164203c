import { MethodError, Random, type FoldGroup, type GroupTensors, type Tensor } from '@speechfold/core';
import { mergeUnits } from './merger';
import {
  correctedOutputBias,
  expectedActivation,
  probeFeatures,
  producerFeatures,
  ProbeFeatureExtractor,
  responseOf,
} from './probe';
import { clusterMembers } from './labels';
import { ffnForward, ffnGroup, gelu, randomFfnBlock, randomTensor } from './testing/blocks';

const HIDDEN = 12;
const UNITS = 10;

/** An FFN group with a response (LayerNorm 'ln', GELU, fc2.bias) and its tensors, seeded. */
function block(seed: number, activation: 'gelu' | 'relu' = 'gelu'): { group: FoldGroup; tensors: GroupTensors } {
  const rng = new Random(seed);
  const group: FoldGroup = {
    ...ffnGroup(UNITS),
    response: { norm: { weight: 'ln.weight', bias: 'ln.bias' }, activation, outputBias: 'fc2.bias' },
  };
  const tensors = randomFfnBlock(rng, HIDDEN, UNITS);
  const gamma = randomTensor(rng, [HIDDEN], 0.5);
  for (let j = 0; j < HIDDEN; j++) gamma.data[j] = 1 + gamma.data[j];
  tensors.set('ln.weight', gamma);
  tensors.set('ln.bias', randomTensor(rng, [HIDDEN], 0.3));
  return { group, tensors };
}

/** Mean of the FFN output (fc2 included) over `count` Gaussian LayerNorm inputs gamma * z + beta. */
function meanOutput(tensors: GroupTensors, count: number, seed: number, act: (x: number) => number = gelu): Float64Array {
  const gamma = tensors.get('ln.weight')!.data;
  const beta = tensors.get('ln.bias')!.data;
  const rng = new Random(seed);
  const x = new Float64Array(count * HIDDEN);
  for (let i = 0; i < x.length; i++) x[i] = gamma[i % HIDDEN] * rng.normal() + beta[i % HIDDEN];
  const y = act === gelu ? ffnForward(tensors, x) : reluForward(tensors, x);
  const mean = new Float64Array(HIDDEN);
  for (let i = 0; i < y.length; i++) mean[i % HIDDEN] += y[i] / count;
  return mean;
}

function reluForward(tensors: GroupTensors, x: Float64Array): Float64Array {
  const w1 = tensors.get('fc1.weight')!;
  const b1 = tensors.get('fc1.bias')!;
  const w2 = tensors.get('fc2.weight')!;
  const b2 = tensors.get('fc2.bias')!;
  const units = w1.shape[0];
  const tokens = x.length / HIDDEN;
  const y = new Float64Array(tokens * HIDDEN);
  for (let t = 0; t < tokens; t++) {
    for (let u = 0; u < units; u++) {
      let a = b1.data[u];
      for (let j = 0; j < HIDDEN; j++) a += w1.data[u * HIDDEN + j] * x[t * HIDDEN + j];
      a = a > 0 ? a : 0;
      for (let o = 0; o < HIDDEN; o++) y[t * HIDDEN + o] += w2.data[o * units + u] * a;
    }
    for (let o = 0; o < HIDDEN; o++) y[t * HIDDEN + o] += b2.data[o];
  }
  return y;
}

describe('expectedActivation', () => {
  it.each(['gelu', 'relu'] as const)('equals a Monte Carlo estimate of E[%s(u)] for u ~ N(mu, s^2)', (activation) => {
    const rng = new Random(3);
    for (const [mu, s] of [
      [0, 1],
      [-1.75, 0.5],
      [0.8, 2],
      [-3, 0.1],
    ]) {
      let sum = 0;
      const n = 200_000;
      for (let i = 0; i < n; i++) {
        const u = mu + s * rng.normal();
        sum += activation === 'relu' ? Math.max(u, 0) : gelu(u);
      }
      // The Monte Carlo error is about s / sqrt(n) < 0.005.
      expect(Math.abs(expectedActivation(activation, mu, s) - sum / n)).toBeLessThan(0.015);
    }
  });
});

describe('bias correction', () => {
  it.each(['gelu', 'relu'] as const)(
    'makes the folded layer’s mean output over Gaussian LayerNorm inputs equal the original’s (%s)',
    (activation) => {
      const { group, tensors } = block(1, activation);
      const labels = Int32Array.from([0, 1, 0, 2, 1, 3, 4, 2, 5, 5]);
      const plain = mergeUnits(group, tensors, labels, 6);
      const corrected = mergeUnits(group, tensors, labels, 6, { biasCorrection: true });
      const act = activation === 'relu' ? (x: number) => Math.max(x, 0) : gelu;
      const original = meanOutput(tensors, 40_000, 9, act);
      const gap = (t: GroupTensors): number => {
        const m = meanOutput(t, 40_000, 9, act);
        return Math.max(...m.map((v, i) => Math.abs(v - original[i])));
      };
      // Same probes for all three, so most of the Monte Carlo noise cancels in the differences.
      expect(gap(plain)).toBeGreaterThan(0.05);
      expect(gap(corrected)).toBeLessThan(0.1 * gap(plain));
      // Only the output bias changes.
      for (const name of ['fc1.weight', 'fc1.bias', 'fc2.weight']) expect(corrected.get(name)).toEqual(plain.get(name));
      expect(corrected.get('fc2.bias')).not.toEqual(tensors.get('fc2.bias'));
    },
  );

  it('changes nothing when every cluster is a single unit or holds identical producers', () => {
    const { group, tensors } = block(2);
    const identity = Int32Array.from({ length: UNITS }, (_, i) => i);
    const folded = mergeUnits(group, tensors, identity, UNITS);
    expect(correctedOutputBias(group, tensors, folded, clusterMembers(group, identity, UNITS))).toBeNull();
    expect(mergeUnits(group, tensors, identity, UNITS, { biasCorrection: true }).get('fc2.bias')).toBe(tensors.get('fc2.bias'));

    // Units 0 and 1 with the same fc1 row and bias, different fc2 columns.
    const w1 = tensors.get('fc1.weight')!;
    w1.data.copyWithin(HIDDEN, 0, HIDDEN);
    tensors.get('fc1.bias')!.data[1] = tensors.get('fc1.bias')!.data[0];
    const labels = Int32Array.from([0, 0, 1, 2, 3, 4, 5, 6, 7, 8]);
    const merged = mergeUnits(group, tensors, labels, 9, { biasCorrection: true });
    expect(Array.from(merged.get('fc2.bias')!.data)).toEqual(Array.from(tensors.get('fc2.bias')!.data));
  });

  it('leaves a group without a response alone', () => {
    const { group, tensors } = block(3);
    const bare: FoldGroup = { ...group, response: undefined };
    const labels = Int32Array.from([0, 0, 1, 2, 3, 4, 5, 6, 7, 8]);
    const merged = mergeUnits(bare, tensors, labels, 9, { biasCorrection: true });
    expect(merged.get('fc2.bias')).toBe(tensors.get('fc2.bias'));
  });
});

describe('probe features', () => {
  it('are each unit’s activations on P seeded probes, the same for identical producers whatever their consumers', async () => {
    const { group, tensors } = block(4);
    tensors.get('fc1.weight')!.data.copyWithin(3 * HIDDEN, 0, HIDDEN);
    tensors.get('fc1.bias')!.data[3] = tensors.get('fc1.bias')!.data[0];
    const f = probeFeatures(group, tensors, 64, 0);
    expect([f.rows, f.cols]).toEqual([UNITS, 64]);
    expect(f.data.subarray(3 * 64, 4 * 64)).toEqual(f.data.subarray(0, 64));
    expect(f.data.subarray(1 * 64, 2 * 64)).not.toEqual(f.data.subarray(0, 64));
    // Deterministic, and independent of the consumers.
    const fc2 = tensors.get('fc2.weight')!;
    const changed = new Map(tensors).set('fc2.weight', { shape: fc2.shape, data: fc2.data.map((v) => -3 * v) } as Tensor);
    expect(probeFeatures(group, changed, 64, 0).data).toEqual(f.data);
    expect((await new ProbeFeatureExtractor().features(group, tensors)).cols).toBe(256);
  });

  it('fall back to the producer slices for a group without a response', () => {
    const { group, tensors } = block(5);
    const bare: FoldGroup = { ...group, response: undefined };
    const f = probeFeatures(bare, tensors);
    expect(f).toEqual(producerFeatures(bare, tensors));
    expect(f.cols).toBe(HIDDEN + 1);
  });

  it('refuse a response whose LayerNorm does not match the producers’ input width, naming the tensor', () => {
    const { group, tensors } = block(6);
    tensors.set('ln.bias', { shape: [HIDDEN + 1], data: new Float32Array(HIDDEN + 1) });
    expect(() => responseOf(group, tensors)).toThrow(MethodError);
    expect(() => responseOf(group, tensors)).toThrow(/ln\.bias.*expected shape \[12\]/);
  });
});
