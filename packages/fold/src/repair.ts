/**
 * Fold-AR, Model Folding's data-free variance repair (METHOD.md §3).
 *
 * Why: a merged unit computes the mean of its members' pre-activations. If each member's
 * pre-activation has variance s^2 and the members' pairwise correlation is E (estimated data-free
 * by the cosine similarity of their producer weights), the mean has variance
 * s^2 * (n + (n^2 - n) * E) / n^2, smaller than s^2 unless the members are identical. Scaling the
 * merged unit by n / sqrt(n + (n^2 - n) * E) restores s^2, so the nonlinearity and the consumers see
 * activations of the size they were trained on.
 */
import type { FoldGroup, GroupTensors, UnitSlice } from '@speechfold/core';
import { readUnit, tensorOf, unitWidth } from './slices';

/** Fold-AR's scale n / sqrt(n + (n^2 - n) * e) for a cluster of n units with mean pairwise cosine e (1 for n <= 1). */
export function foldArScale(n: number, e: number): number {
  if (n <= 1) return 1;
  const variance = n + (n * n - n) * e;
  // Only members whose directions cancel exactly give 0 here; the formula has no finite answer
  // then, and scaling a unit that averages to nothing cannot restore anything: leave it as is.
  if (!(variance > 1e-12)) return 1;
  return n / Math.sqrt(variance);
}

/**
 * Mean cosine similarity over all pairs of the given vectors (0 for fewer than two). Uses
 * sum_{i<j} cos_ij = (|sum_i v_i/|v_i||^2 - m) / 2 (m = non-zero vectors), so a cluster of n members
 * costs O(n) dot products, not O(n^2). A zero vector has cosine 0 with everything.
 */
export function meanPairwiseCosine(vectors: readonly Float64Array[]): number {
  const n = vectors.length;
  if (n < 2) return 0;
  const sum = new Float64Array(vectors[0].length);
  let nonZero = 0;
  for (const v of vectors) {
    let sq = 0;
    for (let i = 0; i < v.length; i++) sq += v[i] * v[i];
    if (sq === 0) continue;
    nonZero++;
    const inv = 1 / Math.sqrt(sq);
    for (let i = 0; i < v.length; i++) sum[i] += v[i] * inv;
  }
  let total = 0;
  for (let i = 0; i < sum.length; i++) total += sum[i] * sum[i];
  return (total - nonZero) / (n * (n - 1));
}

/**
 * The slices whose rows Fold-AR compares: the producer weights (rank >= 2), concatenated per unit
 * (for heads: the head's q, k and v rows). Biases are left out: they are not directions. A group
 * with only rank-1 producers uses them all rather than nothing.
 */
function weightSlices(group: FoldGroup, tensors: GroupTensors): UnitSlice[] {
  const weights = group.producers.filter((s) => tensorOf(group, tensors, s.tensor).shape.length >= 2);
  return weights.length > 0 ? weights : group.producers;
}

/** The concatenated producer weight slices of one unit, in fp64. */
export function producerRow(group: FoldGroup, tensors: GroupTensors, unit: number): Float64Array {
  const slices = weightSlices(group, tensors);
  const widths = slices.map((s) => unitWidth(tensorOf(group, tensors, s.tensor).shape, s));
  const row = new Float64Array(widths.reduce((a, b) => a + b, 0));
  let offset = 0;
  for (const slice of slices) offset += readUnit(tensorOf(group, tensors, slice.tensor), slice, unit, row, offset);
  return row;
}

/** Fold-AR's scale of every cluster (1 for singletons), from the original tensors. */
export function foldArScales(group: FoldGroup, tensors: GroupTensors, members: readonly (readonly number[])[]): Float64Array {
  return Float64Array.from(members, (cluster) => {
    if (cluster.length <= 1) return 1;
    const rows = cluster.map((unit) => producerRow(group, tensors, unit));
    return foldArScale(cluster.length, meanPairwiseCosine(rows));
  });
}
