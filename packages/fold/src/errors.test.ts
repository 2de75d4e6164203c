import { MethodError, Random, type FoldGroup, type GroupTensors } from '@speechfold/core';
import { denseEquivalent } from './dense';
import { unitFeatures } from './features';
import { magnitudePrune } from './magnitude';
import { mergeUnits } from './merger';
import { ffnGroup, headsGroup, randomAttentionBlock, randomFfnBlock } from './testing/blocks';
import { pruneUnstructured } from './unstructured';

/** The MethodError `run` throws; fails the test when it throws nothing or something else. */
function methodError(run: () => unknown): MethodError {
  try {
    run();
  } catch (e) {
    expect(e).toBeInstanceOf(MethodError);
    return e as MethodError;
  }
  throw new Error('expected a MethodError, nothing was thrown');
}

const group = ffnGroup(6, { name: 'encoder.layers.3.ffn' });
const block = (): GroupTensors => randomFfnBlock(new Random(51), 4, 6);

describe('typed errors name the group', () => {
  it.each([
    ['K < 1', Int32Array.from([0, 0, 0, 0, 0, 0]), 0, /expected K an integer in \[1, 6\], found 0/],
    ['K > N', Int32Array.from([0, 1, 2, 3, 4, 5]), 7, /found 7/],
    ['K not an integer', Int32Array.from([0, 1, 2, 3, 4, 5]), 2.5, /found 2.5/],
    ['a label out of range', Int32Array.from([0, 1, 2, 0, 1, 3]), 3, /label of unit 5 in \[0, 3\), found 3/],
    ['a negative label', Int32Array.from([0, 1, -1, 0, 1, 2]), 3, /label of unit 2 .* found -1/],
    ['an empty cluster', Int32Array.from([0, 0, 2, 2, 0, 2]), 3, /cluster 1 empty/],
    ['too few labels', Int32Array.from([0, 1, 2]), 3, /expected 6 labels .* found 3/],
  ])('merge and dense refuse %s', (_, labels, k, message) => {
    for (const run of [() => mergeUnits(group, block(), labels, k), () => denseEquivalent(group, block(), labels, k)]) {
      const e = methodError(run);
      expect(e.subject.group).toBe('encoder.layers.3.ffn');
      expect(e.message).toMatch("group 'encoder.layers.3.ffn'");
      expect(e.message).toMatch(message);
    }
  });

  it.each([0, 7])('pruners refuse K = %s', (k) => {
    for (const run of [() => magnitudePrune(group, block(), k), () => pruneUnstructured(group, block(), k)]) {
      expect(methodError(run).subject.group).toBe('encoder.layers.3.ffn');
    }
  });

  const broken: Array<[string, (t: GroupTensors) => void, FoldGroup, RegExp]> = [
    ['fc2 with too few columns', (t) => t.set('fc2.weight', { shape: [4, 5], data: new Float32Array(20) }), group, /expected at least 6 along axis 1 .* found 5/],
    ['a missing tensor', (t) => t.delete('fc1.bias'), group, /missing/],
    ['data not matching the shape', (t) => t.set('fc1.bias', { shape: [6], data: new Float32Array(5) }), group, /expected 6 values .* found 5/],
    ['an axis out of range', () => undefined, { ...group, consumers: [{ tensor: 'fc2.weight', axis: 2, start: 0, unitSize: 1 }] }, /axis in \[0, 2\)/],
    ['overlapping slices', () => undefined, { ...group, producers: [...group.producers, { tensor: 'fc1.weight', axis: 0, start: 0, unitSize: 1 }] }, /overlap/],
  ];

  it.each(broken)('features, merge and pruners refuse %s, naming the tensor', (_, breakIt, g, message) => {
    const t = block();
    breakIt(t);
    const labels = Int32Array.from([0, 1, 2, 0, 1, 2]);
    for (const run of [
      () => unitFeatures(g, t),
      () => mergeUnits(g, t, labels, 3),
      () => magnitudePrune(g, t, 3),
      () => pruneUnstructured(g, t, 3),
    ]) {
      const e = methodError(run);
      expect(e.subject.group).toBe('encoder.layers.3.ffn');
      expect(e.subject.tensor).toBeDefined();
      expect(e.message).toMatch(message);
    }
  });

  it('heads: a q_proj with fewer rows than heads x headDim', () => {
    const t = randomAttentionBlock(new Random(52), 8, 4, 2);
    t.set('q_proj.weight', { shape: [6, 8], data: new Float32Array(48) });
    const e = methodError(() => unitFeatures(headsGroup(4, 2, { name: 'decoder.layers.0.heads' }), t));
    expect(e.message).toBe(
      "tensor 'q_proj.weight': group 'decoder.layers.0.heads': expected at least 8 along axis 0 (start 0 + 4 units x 2), found 6 in shape [6,8]",
    );
  });

  it.each([NaN, Infinity, -Infinity])('features refuse %s, naming the group, tensor and unit', (bad) => {
    const t = block();
    t.get('fc2.weight')!.data[2 * 6 + 4] = bad; // column 4 = unit 4
    const e = methodError(() => unitFeatures(group, t));
    expect(e.subject).toEqual({ group: 'encoder.layers.3.ffn', tensor: 'fc2.weight' });
    expect(e.message).toMatch(`found ${bad} in unit 4`);
  });

  it('pruners refuse NaN weights', () => {
    const t = block();
    t.get('fc1.weight')!.data[5] = NaN;
    expect(methodError(() => magnitudePrune(group, t, 3)).message).toMatch(/unit 1/);
    expect(methodError(() => pruneUnstructured(group, t, 3)).subject.tensor).toBe('fc1.weight');
  });
});
