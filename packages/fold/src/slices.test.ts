import type { FoldGroup, GroupTensors } from '@speechfold/core';
import { mergeUnits } from './merger';
import { keepUnits } from './magnitude';
import { recombineUnits } from './slices';

/** A [2, 6, 2] tensor holding 0..23. */
const cube = () => ({ shape: [2, 6, 2], data: Float32Array.from({ length: 24 }, (_, i) => i) });

describe('slice helpers', () => {
  it('recombineUnits works along a middle axis from a start offset, copying what is outside the group', () => {
    // Units of size 2 at axis-1 indices [1, 3) and [3, 5); index 0 and 5 are not in the group.
    const slice = { tensor: 't', axis: 1, start: 1, unitSize: 2 };
    const out = recombineUnits(cube(), slice, 2, [[{ unit: 0, weight: 0.5 }, { unit: 1, weight: 0.5 }]]);
    expect(out.shape).toEqual([2, 4, 2]);
    expect(Array.from(out.data)).toEqual([0, 1, 4, 5, 6, 7, 10, 11, 12, 13, 16, 17, 18, 19, 22, 23]);
  });

  it('handles two slices of one tensor: the later region is rewritten first', () => {
    // One tensor holding producers in two regions: rows [0, 2) and rows [3, 5).
    const group: FoldGroup = {
      name: 'two-regions',
      kind: 'heads',
      layer: 0,
      stack: 'encoder',
      units: 2,
      producers: [
        { tensor: 'w', axis: 0, start: 0, unitSize: 1 },
        { tensor: 'w', axis: 0, start: 3, unitSize: 1 },
      ],
      consumers: [],
    };
    const tensors: GroupTensors = new Map([['w', { shape: [5, 1], data: Float32Array.from([1, 3, 100, 10, 30]) }]]);
    const merged = mergeUnits(group, tensors, Int32Array.from([0, 0]), 1);
    expect(Array.from(merged.get('w')!.data)).toEqual([2, 100, 20]);
    const kept = keepUnits(group, tensors, [1]);
    expect(Array.from(kept.get('w')!.data)).toEqual([3, 100, 30]);
  });
});
