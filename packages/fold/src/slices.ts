/**
 * Indexing helpers for unit slices (groups.ts: unit i of a slice occupies indices
 * [start + i*unitSize, start + (i+1)*unitSize) of its tensor along `axis`). Everything here works on
 * tensors of any rank, so the merger, the pruners and the dense export share one way of reading and
 * rewriting units, whatever the group kind.
 */
import { MethodError, numel, type FoldGroup, type GroupTensors, type Tensor, type UnitSlice } from '@speechfold/core';

/** How a row-major tensor splits around one axis: `outer` blocks of `dim` rows of `inner` contiguous values. */
export interface AxisLayout {
  outer: number;
  dim: number;
  inner: number;
}

/** Whether a slice computes its unit (merged by mean) or reads it (merged by sum). */
export type SliceRole = 'producer' | 'consumer';

/** One term of a unit combination: `weight` times input unit `unit`. */
export interface UnitTerm {
  unit: number;
  weight: number;
}

/** An output unit as a weighted sum of input units (a cluster mean, a cluster sum, a kept unit). */
export type UnitCombination = readonly UnitTerm[];

/** The layout of `shape` around `axis`. */
export function axisLayout(shape: readonly number[], axis: number): AxisLayout {
  let outer = 1;
  for (let a = 0; a < axis; a++) outer *= shape[a];
  let inner = 1;
  for (let a = axis + 1; a < shape.length; a++) inner *= shape[a];
  return { outer, dim: shape[axis], inner };
}

/** Number of values one unit owns in a slice of a tensor of this shape. */
export function unitWidth(shape: readonly number[], slice: UnitSlice): number {
  const { outer, inner } = axisLayout(shape, slice.axis);
  return outer * inner * slice.unitSize;
}

/**
 * Copies the values of unit `unit` into `out` from `offset`, unit axis first: a producer row comes out
 * as stored, a consumer column comes out transposed (one run per index along the axis). Returns the
 * number of values written (unitWidth).
 */
export function readUnit(
  tensor: Tensor,
  slice: UnitSlice,
  unit: number,
  out: Float32Array | Float64Array,
  offset: number,
): number {
  const { outer, dim, inner } = axisLayout(tensor.shape, slice.axis);
  const first = slice.start + unit * slice.unitSize;
  let w = offset;
  for (let t = 0; t < slice.unitSize; t++) {
    for (let o = 0; o < outer; o++) {
      const base = (o * dim + first + t) * inner;
      for (let i = 0; i < inner; i++) out[w++] = tensor.data[base + i];
    }
  }
  return w - offset;
}

/**
 * A new tensor in which the `units` units of `slice` are replaced by `combos` (output unit c =
 * sum of weight * input unit); indices of the axis before and after the group's region are copied as
 * they are. The axis length changes by (combos.length - units) * unitSize. Sums run in fp64, so a
 * mean of identical fp32 values rounds back to the same fp32 value.
 */
export function recombineUnits(
  tensor: Tensor,
  slice: UnitSlice,
  units: number,
  combos: readonly UnitCombination[],
): Tensor {
  const { outer, dim, inner } = axisLayout(tensor.shape, slice.axis);
  const regionEnd = slice.start + units * slice.unitSize;
  const newDim = dim - units * slice.unitSize + combos.length * slice.unitSize;
  const shape = [...tensor.shape];
  shape[slice.axis] = newDim;
  const data = new Float32Array(outer * newDim * inner);
  const src = tensor.data;
  const acc = new Float64Array(inner);
  // The combinations flattened once: combo c's terms are [first[c], first[c + 1]).
  const first = new Int32Array(combos.length + 1);
  combos.forEach((combo, c) => (first[c + 1] = first[c] + combo.length));
  const termUnit = new Int32Array(first[combos.length]);
  const termWeight = new Float64Array(first[combos.length]);
  combos.forEach((combo, c) =>
    combo.forEach((term, r) => {
      termUnit[first[c] + r] = term.unit;
      termWeight[first[c] + r] = term.weight;
    }),
  );
  const size = slice.unitSize;

  for (let o = 0; o < outer; o++) {
    const inBlock = o * dim * inner;
    const outBlock = o * newDim * inner;
    // Indices before the group's region keep their place.
    data.set(src.subarray(inBlock, inBlock + slice.start * inner), outBlock);
    // Indices after it move by the change in the region's length.
    const tail = src.subarray(inBlock + regionEnd * inner, inBlock + dim * inner);
    data.set(tail, outBlock + (slice.start + combos.length * size) * inner);

    for (let c = 0; c < combos.length; c++) {
      for (let t = 0; t < size; t++) {
        if (inner === 1) {
          // A column of a matrix (a consumer slice): one sum, in the same order as below.
          let sum = 0;
          for (let r = first[c]; r < first[c + 1]; r++) sum += termWeight[r] * src[inBlock + slice.start + termUnit[r] * size + t];
          data[outBlock + slice.start + c * size + t] = sum;
          continue;
        }
        acc.fill(0);
        for (let r = first[c]; r < first[c + 1]; r++) {
          const from = inBlock + (slice.start + termUnit[r] * size + t) * inner;
          const weight = termWeight[r];
          for (let i = 0; i < inner; i++) acc[i] += weight * src[from + i];
        }
        data.set(acc, outBlock + (slice.start + c * size + t) * inner);
      }
    }
  }
  return { shape, data };
}

/**
 * Applies `rewrite` to every slice of the group and returns the tensors with the rewritten ones
 * replaced; tensors no slice names are passed through as they are. Inputs are never modified. Slices of
 * one tensor are visited from the highest start down, so a rewrite that changes the axis length never
 * moves the region of a slice not yet visited.
 */
export function mapGroupSlices(
  group: FoldGroup,
  tensors: GroupTensors,
  rewrite: (tensor: Tensor, slice: UnitSlice, role: SliceRole) => Tensor,
): GroupTensors {
  const tagged: Array<{ slice: UnitSlice; role: SliceRole }> = [
    ...group.producers.map((slice) => ({ slice, role: 'producer' as const })),
    ...group.consumers.map((slice) => ({ slice, role: 'consumer' as const })),
  ];
  tagged.sort((a, b) => b.slice.start - a.slice.start);
  const out: GroupTensors = new Map(tensors);
  for (const { slice, role } of tagged) {
    out.set(slice.tensor, rewrite(tensorOf(group, out, slice.tensor), slice, role));
  }
  return out;
}

/** The named tensor, or a MethodError naming the group and the missing tensor. */
export function tensorOf(group: FoldGroup, tensors: GroupTensors, name: string): Tensor {
  const tensor = tensors.get(name);
  if (tensor === undefined) {
    throw new MethodError({ group: group.name, tensor: name }, 'tensor is missing from the group tensors');
  }
  return tensor;
}

/**
 * Checks that every slice of the group fits its tensor: present, data length matching the shape, axis
 * in range, integer start and unit size, the N units inside the axis, and no two slices of one tensor
 * overlapping on one axis. Throws MethodError naming the group and the tensor, with expected vs found.
 */
export function checkSlices(group: FoldGroup, tensors: GroupTensors): void {
  const subject = { group: group.name };
  if (!Number.isInteger(group.units) || group.units < 1) {
    throw new MethodError(subject, `expected at least 1 unit, found ${group.units}`);
  }
  if (group.producers.length === 0) {
    throw new MethodError(subject, 'expected at least one producer slice, found none');
  }
  const seen: UnitSlice[] = [];
  for (const slice of [...group.producers, ...group.consumers]) {
    const at = { group: group.name, tensor: slice.tensor };
    const tensor = tensorOf(group, tensors, slice.tensor);
    if (tensor.data.length !== numel(tensor.shape)) {
      throw new MethodError(at, `expected ${numel(tensor.shape)} values for shape [${tensor.shape}], found ${tensor.data.length}`);
    }
    const rank = tensor.shape.length;
    if (!Number.isInteger(slice.axis) || slice.axis < 0 || slice.axis >= rank) {
      throw new MethodError(at, `expected an axis in [0, ${rank}) for shape [${tensor.shape}], found ${slice.axis}`);
    }
    if (!Number.isInteger(slice.unitSize) || slice.unitSize < 1 || !Number.isInteger(slice.start) || slice.start < 0) {
      throw new MethodError(at, `expected an integer start >= 0 and unit size >= 1, found start ${slice.start}, unit size ${slice.unitSize}`);
    }
    const need = slice.start + group.units * slice.unitSize;
    const dim = tensor.shape[slice.axis];
    if (need > dim) {
      throw new MethodError(
        at,
        `expected at least ${need} along axis ${slice.axis} (start ${slice.start} + ${group.units} units x ${slice.unitSize}), found ${dim} in shape [${tensor.shape}]`,
      );
    }
    for (const other of seen) {
      if (other.tensor !== slice.tensor || other.axis !== slice.axis) continue;
      const otherEnd = other.start + group.units * other.unitSize;
      if (slice.start < otherEnd && other.start < need) {
        throw new MethodError(at, `expected slices of one tensor not to overlap on axis ${slice.axis}, found [${other.start}, ${otherEnd}) and [${slice.start}, ${need})`);
      }
    }
    seen.push(slice);
  }
}
