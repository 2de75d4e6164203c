/**
 * The folding merge (METHOD.md §3): with labels assigning the N units of a group to K clusters,
 * producer slices become cluster means (W1' = (U^T U)^-1 U^T W1) and consumer slices become cluster
 * sums (W2' = W2 U). Units come out ordered by cluster id. When units are exact duplicates, the
 * merged unit computes the same activation and the summed consumer reads it once with the weight all
 * members had together, so the output is unchanged. Options: Fold-AR (`repair`, repair.ts) and the
 * data-free bias correction (`biasCorrection`, probe.ts), which rewrites the group's output bias.
 */
import type { FoldGroup, GroupTensors, Merger, MergeOptions } from '@speechfold/core';
import { injectable } from 'tsyringe';
import { clusterMembers } from './labels';
import { correctedOutputBias } from './probe';
import { foldArScales } from './repair';
import { checkSlices, mapGroupSlices, recombineUnits, type UnitCombination } from './slices';

/**
 * Folds a group to K units. Returns the tensors of `tensors` with the group's slices shrunk by
 * (N - K) * unitSize along their axes; tensors no slice names are returned as the same objects, and
 * the inputs are never modified.
 */
export function mergeUnits(
  group: FoldGroup,
  tensors: GroupTensors,
  labels: ArrayLike<number>,
  k: number,
  options: MergeOptions = {},
): GroupTensors {
  checkSlices(group, tensors);
  const members = clusterMembers(group, labels, k);
  const scales = options.repair === true ? foldArScales(group, tensors, members) : null;

  // Fold-AR is applied here, to the producer slices only (weights and biases alike): the scale
  // multiplies the merged unit's whole pre-activation, which is where averaging shrank the variance
  // (repair.ts). Consumers stay plain sums: they read the repaired activation. Singletons have scale 1.
  const producerCombos: UnitCombination[] = members.map((cluster, c) => {
    const weight = (scales === null ? 1 : scales[c]) / cluster.length;
    return cluster.map((unit) => ({ unit, weight }));
  });
  const consumerCombos: UnitCombination[] = members.map((cluster) => cluster.map((unit) => ({ unit, weight: 1 })));

  const folded = mapGroupSlices(group, tensors, (tensor, slice, role) =>
    recombineUnits(tensor, slice, group.units, role === 'producer' ? producerCombos : consumerCombos),
  );
  if (options.biasCorrection === true) {
    // probe.ts: the expected output change under Gaussian LayerNorm inputs goes back into the bias.
    const bias = correctedOutputBias(group, tensors, folded, members);
    if (bias !== null) folded.set((group.response as NonNullable<FoldGroup['response']>).outputBias, bias);
  }
  return folded;
}

/** The Merger of the method ('fold'): mergeUnits. */
@injectable()
export class FoldingMerger implements Merger {
  readonly name = 'fold';

  merge(group: FoldGroup, tensors: GroupTensors, labels: Int32Array, k: number, options?: MergeOptions): GroupTensors {
    return mergeUnits(group, tensors, labels, k, options);
  }
}
