import type { GroupTensors } from '@speechfold/core';
import { attentionForward, ffnForward, ffnGroup, gelu, headsGroup } from './blocks';

const t = (shape: number[], values: number[]) => ({ shape, data: Float32Array.from(values) });
const identity2 = [1, 0, 0, 1];

describe('reference blocks', () => {
  it('gelu is the tanh form', () => {
    expect(gelu(0)).toBe(0);
    expect(gelu(1)).toBeCloseTo(0.841192, 6);
    expect(gelu(-1)).toBeCloseTo(-0.158808, 6);
  });

  it('FFN: fc2(gelu(fc1 x)) + fc2.bias on a hand-built case', () => {
    const block: GroupTensors = new Map([
      ['fc1.weight', t([2, 1], [1, 2])],
      ['fc1.bias', t([2], [0, -1])],
      ['fc2.weight', t([1, 2], [1, 2])],
      ['fc2.bias', t([1], [0.5])],
    ]);
    const y = ffnForward(block, Float64Array.from([1, 0]));
    expect(y[0]).toBeCloseTo(0.841192 + 2 * 0.841192 + 0.5, 6);
    expect(y[1]).toBeCloseTo(0 + 2 * gelu(-1) + 0.5, 6);
  });

  it('attention: per-head softmax(QK^T / sqrt(d)) V, then out_proj, on hand-built cases', () => {
    const block = (proj: number[], heads: number): GroupTensors =>
      new Map([
        ['q_proj.weight', t([2, 2], proj)],
        ['q_proj.bias', t([2], [0, 0])],
        ['k_proj.weight', t([2, 2], proj)],
        ['v_proj.weight', t([2, 2], proj)],
        ['v_proj.bias', t([2], [0, 0])],
        ['out_proj.weight', t([2, 2], identity2)],
        ['out_proj.bias', t([2], [0.1, 0.2 * heads])],
      ]);
    // One head of size 2, tokens [0, 0] and [1, 1]: token 1's score on itself is 2 / sqrt(2).
    const one = attentionForward(block(identity2, 1), Float64Array.from([0, 0, 1, 1]), 2);
    const p = Math.exp(Math.SQRT2) / (1 + Math.exp(Math.SQRT2));
    [0.6, 0.7, p + 0.1, p + 0.2].forEach((v, i) => expect(one[i]).toBeCloseTo(v, 6));
    // Two heads of size 1, tokens [0, 0] and [1, 2]: head 1 scores 4 on token 1 (no sqrt(2) now).
    const two = attentionForward(block(identity2, 2), Float64Array.from([0, 0, 1, 2]), 1);
    const p0 = Math.exp(1) / (1 + Math.exp(1));
    const p1 = Math.exp(4) / (1 + Math.exp(4));
    [0.5 + 0.1, 1 + 0.4, p0 + 0.1, 2 * p1 + 0.4].forEach((v, i) => expect(two[i]).toBeCloseTo(v, 6));
  });

  it('groups follow METHOD.md §1', () => {
    expect(ffnGroup(4, { name: 'g', layer: 2 }, { fc1: 'a.intermediate_dense', fc2: 'a.output_dense' })).toEqual({
      name: 'g',
      kind: 'ffn',
      layer: 2,
      stack: 'encoder',
      units: 4,
      producers: [
        { tensor: 'a.intermediate_dense.weight', axis: 0, start: 0, unitSize: 1 },
        { tensor: 'a.intermediate_dense.bias', axis: 0, start: 0, unitSize: 1 },
      ],
      consumers: [{ tensor: 'a.output_dense.weight', axis: 1, start: 0, unitSize: 1 }],
    });
    const heads = headsGroup(4, 16, { kBias: false });
    expect(heads.producers.map((s) => s.tensor)).toEqual(['q_proj.weight', 'q_proj.bias', 'k_proj.weight', 'v_proj.weight', 'v_proj.bias']);
    expect(heads.producers.every((s) => s.axis === 0 && s.unitSize === 16)).toBe(true);
    expect(heads.consumers).toEqual([{ tensor: 'out_proj.weight', axis: 1, start: 0, unitSize: 16 }]);
  });
});
