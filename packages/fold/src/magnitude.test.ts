import { createContainer, OptionError, provide, Random, TOKENS, type GroupTensors, type Pruner, type UnitScorer } from '@speechfold/core';
import { MAGNITUDE_OPTIONS, MagnitudeScorer, magnitudePrune, StructuredPruner, topUnits, unitMagnitudes } from './magnitude';
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

const HIDDEN = 8;

describe('structured magnitude pruning (MagnitudeScorer + StructuredPruner)', () => {
  const rng = new Random(21);
  const x = randomInput(rng, 5, HIDDEN);

  it('FFN: removing all-zero units is lossless and keeps the other units in order', () => {
    const block = randomFfnBlock(rng, HIDDEN, 7);
    const dead = [1, 4, 5];
    for (const u of dead) {
      block.get('fc1.weight')!.data.fill(0, u * HIDDEN, (u + 1) * HIDDEN);
      block.get('fc1.bias')!.data[u] = 0;
    }
    const pruned = magnitudePrune(ffnGroup(7), block, 4);
    expect(pruned.get('fc1.weight')!.shape).toEqual([4, HIDDEN]);
    expect(pruned.get('fc2.weight')!.shape).toEqual([HIDDEN, 4]);
    // Kept units 0, 2, 3, 6 in their original order, on values.
    [0, 2, 3, 6].forEach((u, i) => {
      expect(Array.from(pruned.get('fc1.weight')!.data.subarray(i * HIDDEN, (i + 1) * HIDDEN))).toEqual(
        Array.from(block.get('fc1.weight')!.data.subarray(u * HIDDEN, (u + 1) * HIDDEN)),
      );
      expect(pruned.get('fc2.weight')!.data[3 * 4 + i]).toBe(block.get('fc2.weight')!.data[3 * 7 + u]);
    });
    expect(maxAbsDiff(ffnForward(block, x), ffnForward(pruned, x))).toBeLessThanOrEqual(1e-6);
    // Pruning a live unit instead is visible in the output.
    const lossy = magnitudePrune(ffnGroup(7), block, 3);
    expect(maxRelDiff(ffnForward(block, x), ffnForward(lossy, x))).toBeGreaterThan(1e-3);
  });

  it('heads: removing heads with zero q, k, v is lossless', () => {
    const d = 2;
    const block = randomAttentionBlock(rng, HIDDEN, 4, d, { kBias: false });
    const group = headsGroup(4, d, { kBias: false });
    for (const slice of group.producers) {
      const t = block.get(slice.tensor)!;
      const width = t.shape.length === 1 ? 1 : t.shape[1];
      t.data.fill(0, 2 * d * width, 3 * d * width); // head 2
    }
    const pruned = magnitudePrune(group, block, 3);
    expect(pruned.get('out_proj.weight')!.shape).toEqual([HIDDEN, 3 * d]);
    expect(Array.from(pruned.get('q_proj.weight')!.data.subarray(2 * d * HIDDEN))).toEqual(
      Array.from(block.get('q_proj.weight')!.data.subarray(3 * d * HIDDEN)),
    );
    expect(maxAbsDiff(attentionForward(block, x, d), attentionForward(pruned, x, d))).toBeLessThanOrEqual(1e-6);
  });

  it('scores by L2 or L1 of the producer weight rows, biases excluded', () => {
    // Unit 0 = [3, 0, 0], bias 0: L1 3, L2 3. Unit 1 = [1, 1, 1], bias 1: L1 3, L2 sqrt(3).
    // Unit 2 = [0, 0, 1], bias -50: a huge bias that must not count (it would rank unit 2 first).
    const block: GroupTensors = new Map([
      ['fc1.weight', { shape: [3, 3], data: Float32Array.from([3, 0, 0, 1, 1, 1, 0, 0, 1]) }],
      ['fc1.bias', { shape: [3], data: Float32Array.from([0, 1, -50]) }],
      ['fc2.weight', { shape: [1, 3], data: Float32Array.from([10, 20, 30]) }],
    ]);
    expect(Array.from(unitMagnitudes(ffnGroup(3), block, 'l2'))).toEqual([3, Math.sqrt(3), 1]);
    expect(Array.from(unitMagnitudes(ffnGroup(3), block, 'l1'))).toEqual([3, 3, 1]);
    expect(Array.from(magnitudePrune(ffnGroup(3), block, 1).get('fc2.weight')!.data)).toEqual([10]);
    expect(Array.from(magnitudePrune(ffnGroup(3), block, 2).get('fc2.weight')!.data)).toEqual([10, 20]);
    // L1 ties units 0 and 1 (3 each): the lower index wins, and unit 2 with its big bias goes first.
    expect(Array.from(magnitudePrune(ffnGroup(3), block, 2, 'l1').get('fc2.weight')!.data)).toEqual([10, 20]);
  });

  it('does not change a unit\'s score when only its bias changes', () => {
    const block = randomFfnBlock(new Random(3), HIDDEN, 6);
    const before = Array.from(unitMagnitudes(ffnGroup(6), block));
    const bias = block.get('fc1.bias')!;
    bias.data.forEach((_, i) => (bias.data[i] = 100 * (i + 1)));
    expect(Array.from(unitMagnitudes(ffnGroup(6), block))).toEqual(before);
  });

  it('breaks ties by the lower index and returns kept units in ascending order', () => {
    expect(topUnits([1, 5, 1, 5, 1], 3)).toEqual([0, 1, 3]);
    expect(topUnits([2, 9, 4], 3)).toEqual([0, 1, 2]);
  });

  it('comes from the container as scorer + pruner, with optional options, and refuses an unknown norm', () => {
    const c = createContainer();
    c.register(TOKENS.UnitScorer, { useClass: MagnitudeScorer });
    c.register(TOKENS.Pruner, { useClass: StructuredPruner });
    const plain = c.resolve<Pruner>(TOKENS.Pruner);
    expect([plain.name, plain.structured, c.resolve<UnitScorer>(TOKENS.UnitScorer).name]).toEqual(['remove', true, 'magnitude-l2']);
    provide(c, MAGNITUDE_OPTIONS, { norm: 'l1' });
    expect((c.resolve<UnitScorer>(TOKENS.UnitScorer) as MagnitudeScorer).norm).toBe('l1');
    expect(() => new MagnitudeScorer({ norm: 'linf' as never })).toThrow(OptionError);
  });

  it('prunes by any UnitScorer: keeps the top K, says where every unit went', () => {
    const block = randomFfnBlock(new Random(2), 3, 5);
    const reversed: UnitScorer = { name: 'reversed', score: () => Float64Array.from([5, 4, 3, 2, 1]) };
    const { tensors, assignment } = new StructuredPruner(reversed).prune(ffnGroup(5), block, 2);
    expect(Array.from(assignment!)).toEqual([0, 1, -1, -1, -1]);
    expect(Array.from(tensors.get('fc1.weight')!.data)).toEqual(Array.from(block.get('fc1.weight')!.data.subarray(0, 6)));
    const byMagnitude = new StructuredPruner(new MagnitudeScorer()).prune(ffnGroup(5), block, 2).tensors;
    expect(byMagnitude).toEqual(magnitudePrune(ffnGroup(5), block, 2));
    const short: UnitScorer = { name: 'short', score: () => new Float64Array(2) };
    expect(() => new StructuredPruner(short).prune(ffnGroup(5), block, 2)).toThrow(/scorer 'short' gave 2 scores for 5 units/);
  });
});
