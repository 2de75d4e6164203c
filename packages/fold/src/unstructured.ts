/**
 * Unstructured magnitude pruning, the secondary baseline (METHOD.md §4): in each weight matrix of a
 * group, zero the entries of smallest |w|, the same fraction 1 - K/N as the structured methods remove.
 * Shapes are unchanged (no size gain), biases are untouched.
 */
import { MethodError, type FoldGroup, type GroupTensors, type PruneResult, type Pruner, type Tensor, type UnitSlice } from '@speechfold/core';
import { injectable } from 'tsyringe';
import { checkK } from './labels';
import { axisLayout, checkSlices, mapGroupSlices } from './slices';

/** How many of `entries` values pruning N units to K zeroes: round(entries * (1 - K/N)). */
export function zeroCount(entries: number, n: number, k: number): number {
  return Math.round((entries * (n - k)) / n);
}

/**
 * A copy of `tensor` in which the `count` entries of smallest |w| inside the group's region of the
 * slice (its N units along the axis) are zero; ties go to the lower flat index, so exactly `count`
 * entries are chosen.
 */
export function zeroSmallest(group: FoldGroup, tensor: Tensor, slice: UnitSlice, count: number): Tensor {
  const data = tensor.data.slice();
  if (count <= 0) return { shape: [...tensor.shape], data };
  const { outer, dim, inner } = axisLayout(tensor.shape, slice.axis);
  const span = group.units * slice.unitSize * inner;
  // Flat indices of the region, in ascending order.
  const region = new Uint32Array(outer * span);
  for (let o = 0, w = 0; o < outer; o++) {
    const base = (o * dim + slice.start) * inner;
    for (let j = 0; j < span; j++) region[w++] = base + j;
  }

  const magnitudes = new Float32Array(region.length);
  for (let r = 0; r < region.length; r++) {
    const v = data[region[r]];
    if (Number.isNaN(v)) {
      throw new MethodError({ group: group.name, tensor: slice.tensor }, `expected no NaN weights, found one at flat index ${region[r]}`);
    }
    magnitudes[r] = Math.abs(v);
  }
  // The count-th smallest magnitude is the threshold: everything below it goes, then entries equal
  // to it in index order until the count is met.
  const threshold = kthSmallest(magnitudes.slice(), Math.min(count, magnitudes.length) - 1);
  let below = 0;
  for (let r = 0; r < region.length; r++) if (magnitudes[r] < threshold) below++;
  let equalLeft = count - below;
  for (let r = 0; r < region.length; r++) {
    if (magnitudes[r] < threshold) data[region[r]] = 0;
    else if (magnitudes[r] === threshold && equalLeft > 0) {
      data[region[r]] = 0;
      equalLeft--;
    }
  }
  return { shape: [...tensor.shape], data };
}

/**
 * The value of rank `k` (0-based) in ascending order, by quickselect: O(n) on average where a full
 * sort of a 5M-entry weight matrix costs about a second. Reorders `values`.
 */
export function kthSmallest(values: Float32Array, k: number): number {
  let lo = 0;
  let hi = values.length - 1;
  while (lo < hi) {
    // Median of three as pivot keeps sorted or constant runs from going quadratic.
    const mid = (lo + hi) >>> 1;
    const pivot = Math.max(Math.min(values[lo], values[mid]), Math.min(Math.max(values[lo], values[mid]), values[hi]));
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (values[i] < pivot) i++;
      while (values[j] > pivot) j--;
      if (i <= j) {
        const t = values[i];
        values[i] = values[j];
        values[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return values[k];
  }
  return values[k];
}

/** The group's tensors with the smallest 1 - K/N of each weight matrix (rank >= 2) zeroed. */
export function pruneUnstructured(group: FoldGroup, tensors: GroupTensors, k: number): GroupTensors {
  checkSlices(group, tensors);
  checkK(group, k);
  return mapGroupSlices(group, tensors, (tensor, slice) => {
    if (tensor.shape.length < 2) return tensor;
    const { outer, inner } = axisLayout(tensor.shape, slice.axis);
    const entries = outer * group.units * slice.unitSize * inner;
    return zeroSmallest(group, tensor, slice, zeroCount(entries, group.units, k));
  });
}

/** Unstructured magnitude pruning ('magnitude-unstructured'): same shapes, smallest weights zeroed. */
@injectable()
export class UnstructuredMagnitudePruner implements Pruner {
  readonly name = 'magnitude-unstructured';
  readonly structured = false;

  prune(group: FoldGroup, tensors: GroupTensors, k: number): PruneResult {
    return { tensors: pruneUnstructured(group, tensors, k), assignment: null };
  }
}
