/**
 * The `dense` export format: original shapes, same function as the compressed model. Each original
 * unit takes the producer slices of the compact unit it went to (a folded cluster's merged unit, or a
 * kept unit), so all members of a cluster compute the merged activation; its consumer slice is the
 * compact one divided by the cluster size, so the members together contribute exactly the compact
 * sum. A removed unit (assignment -1, pruning) is zero in producers and consumers. The config gains
 * only `{version, export: 'dense'}`, so any stock loader runs it (and no bytes are saved).
 */
import {
  MethodError,
  type ExportFormat,
  type FoldGroup,
  type GroupTensors,
  type MergeOptions,
  type ModelAdapter,
  type ModelDescription,
} from '@speechfold/core';
import { checkK } from './labels';
import { mergeUnits } from './merger';
import { mapGroupSlices, recombineUnits, type UnitCombination } from './slices';

/**
 * The group at its original width computing what the compact tensors compute; `assignment` maps each
 * original unit to its compact unit in [0, k), or -1 when it was removed.
 */
export function expandUnits(group: FoldGroup, compact: GroupTensors, assignment: ArrayLike<number>, k: number): GroupTensors {
  checkK(group, k);
  if (assignment.length !== group.units) {
    throw new MethodError({ group: group.name }, `expected ${group.units} assignments (one per unit), found ${assignment.length}`);
  }
  const size = new Array<number>(k).fill(0);
  for (let unit = 0; unit < group.units; unit++) {
    const c = assignment[unit];
    if (!Number.isInteger(c) || c < -1 || c >= k) {
      throw new MethodError({ group: group.name }, `expected the assignment of unit ${unit} in [-1, ${k}), found ${c}`);
    }
    if (c >= 0) size[c]++;
  }
  const empty = size.findIndex((n) => n === 0);
  if (empty >= 0) throw new MethodError({ group: group.name }, `expected every compact unit in [0, ${k}) to have a unit, found ${empty} without`);
  const producers: UnitCombination[] = [];
  const consumers: UnitCombination[] = [];
  for (let unit = 0; unit < group.units; unit++) {
    const c = assignment[unit];
    producers.push(c < 0 ? [] : [{ unit: c, weight: 1 }]);
    consumers.push(c < 0 ? [] : [{ unit: c, weight: 1 / size[c] }]);
  }
  return mapGroupSlices(group, compact, (tensor, slice, role) =>
    recombineUnits(tensor, slice, k, role === 'producer' ? producers : consumers),
  );
}

/** The dense form of folding: mergeUnits(group, original, labels, k, options), laid out at the original width. */
export function denseEquivalent(
  group: FoldGroup,
  original: GroupTensors,
  labels: ArrayLike<number>,
  k: number,
  options: MergeOptions = {},
): GroupTensors {
  return expandUnits(group, mergeUnits(group, original, labels, k, options), labels, k);
}

/** The 'dense' ExportFormat. */
export class DenseExport implements ExportFormat {
  readonly name = 'dense';
  readonly description = 'original shapes computing the compressed model; any loader runs it, no bytes saved';
  readonly keepsShapes = true;
  readonly stockLoadable = true;

  resolve(): ExportFormat {
    return this;
  }

  config(adapter: ModelAdapter, model: ModelDescription, kept: ReadonlyMap<string, number>): Record<string, unknown> {
    return adapter.rewriteConfig(model, new Map(kept), 'dense');
  }

  expand(group: FoldGroup, compact: GroupTensors, assignment: Int32Array, k: number): GroupTensors {
    return expandUnits(group, compact, assignment, k);
  }
}

/** A new DenseExport, for registries that take instances. */
export function denseExport(): ExportFormat {
  return new DenseExport();
}
