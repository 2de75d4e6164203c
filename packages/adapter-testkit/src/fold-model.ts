/**
 * Applies folds to a whole test model with @speechfold/fold's mergers, the way the Pipeline would:
 * each group's tensors are merged and replace the originals. Labels are round-robin (unit i goes to
 * cluster i mod K), which leaves no cluster empty and, for K = N, is the identity.
 */
import type { FoldGroup, GroupTensors } from '@speechfold/core';
import { denseEquivalent, mergeUnits } from '@speechfold/fold';
import type { TestModel, TestTensor } from './model';

/** Unit i in cluster i mod k. */
export function roundRobinLabels(units: number, k: number): Int32Array {
  return Int32Array.from({ length: units }, (_, i) => i % k);
}

/** 'fold': fewer units (FoldingMerger); 'dense': original shapes (the dense export's layout, fold's denseEquivalent). */
export type FoldMode = 'fold' | 'dense';

/**
 * The model with every group named in `kept` folded to that many units. Groups must not share
 * tensors (the adapter kit checks that first). The input model is not modified.
 */
export function foldModel(
  model: TestModel,
  groups: readonly FoldGroup[],
  kept: ReadonlyMap<string, number>,
  mode: FoldMode = 'fold',
): TestModel {
  const tensors = new Map(model.tensors);
  for (const group of groups) {
    const k = kept.get(group.name);
    if (k === undefined) continue;
    const input: GroupTensors = new Map();
    for (const slice of [...group.producers, ...group.consumers]) {
      const t = model.tensors.get(slice.tensor);
      if (t !== undefined) input.set(slice.tensor, { shape: [...t.shape], data: t.data });
    }
    const labels = roundRobinLabels(group.units, k);
    const output = mode === 'fold' ? mergeUnits(group, input, labels, k) : denseEquivalent(group, input, labels, k);
    for (const [name, t] of output) {
      const before = model.tensors.get(name) as TestTensor;
      tensors.set(name, { dtype: before.dtype, shape: t.shape, data: t.data });
    }
  }
  return { config: model.config, tensors };
}
