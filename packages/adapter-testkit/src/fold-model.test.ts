import { ffnGroup } from '@speechfold/fold/testing';
import { foldModel, roundRobinLabels } from './fold-model';
import { sliceProblems } from './checks-groups';
import type { TestModel } from './model';

/** fc1 [4, 1] rows 1..4, fc1 bias 10..40, fc2 [1, 4] columns 1..4, fc2 bias 5. */
function ffnModel(): TestModel {
  const t = (shape: number[], values: number[]) => ({ dtype: 'F32' as const, shape, data: Float32Array.from(values) });
  return {
    config: {},
    tensors: new Map([
      ['fc1.weight', t([4, 1], [1, 2, 3, 4])],
      ['fc1.bias', t([4], [10, 20, 30, 40])],
      ['fc2.weight', t([1, 4], [1, 2, 3, 4])],
      ['fc2.bias', t([1], [5])],
    ]),
  };
}

describe('foldModel', () => {
  it('labels round-robin: identity for K = N, every cluster used for K < N', () => {
    expect([...roundRobinLabels(4, 4)]).toEqual([0, 1, 2, 3]);
    expect([...roundRobinLabels(5, 2)]).toEqual([0, 1, 0, 1, 0]);
  });

  it('folds producers to cluster means and consumers to sums, leaving other tensors as they are', () => {
    const model = ffnModel();
    const folded = foldModel(model, [ffnGroup(4, { name: 'g' })], new Map([['g', 2]]));
    expect(folded.tensors.get('fc1.weight')).toEqual({ dtype: 'F32', shape: [2, 1], data: Float32Array.from([2, 3]) });
    expect([...(folded.tensors.get('fc1.bias')?.data ?? [])]).toEqual([20, 30]);
    expect([...(folded.tensors.get('fc2.weight')?.data ?? [])]).toEqual([4, 6]);
    expect(folded.tensors.get('fc2.bias')).toBe(model.tensors.get('fc2.bias'));
    expect(model.tensors.get('fc1.weight')?.shape).toEqual([4, 1]);
  });

  it("keeps shapes in 'dense' mode and skips groups not in kept", () => {
    const model = ffnModel();
    const dense = foldModel(model, [ffnGroup(4, { name: 'g' })], new Map([['g', 2]]), 'dense');
    expect([...(dense.tensors.get('fc1.weight')?.data ?? [])]).toEqual([2, 3, 2, 3]);
    expect([...(dense.tensors.get('fc2.weight')?.data ?? [])]).toEqual([2, 3, 2, 3]);
    expect(foldModel(model, [ffnGroup(4, { name: 'g' })], new Map()).tensors).toEqual(model.tensors);
  });
});

describe('sliceProblems', () => {
  it('accepts a fitting group and names each problem of a broken one', () => {
    expect(sliceProblems(ffnGroup(4, { name: 'g' }), ffnModel())).toEqual([]);
    const broken = ffnGroup(5, { name: 'g' });
    broken.consumers.push({ tensor: 'fc3.weight', axis: 0, start: 0, unitSize: 1 });
    broken.producers.push({ tensor: 'fc1.bias', axis: 1, start: 0, unitSize: 1 });
    expect(sliceProblems(broken, ffnModel())).toEqual([
      "group 'g', tensor 'fc1.weight': units end at 5 > dim 4",
      "group 'g', tensor 'fc1.bias': units end at 5 > dim 4",
      "group 'g', tensor 'fc1.bias': axis 1 outside [0, 1)",
      "group 'g', tensor 'fc2.weight': units end at 5 > dim 4",
      "group 'g', tensor 'fc3.weight': no such tensor",
    ]);
  });
});
