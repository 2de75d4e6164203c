/** What every group of kit checks shares: the spec and one lazily built model. */
import type { FoldGroup } from '@speechfold/core';
import { describeModel, type TestModel } from './model';
import type { AdapterTestSpec } from './spec';

/** The spec, its model (built once; checks never modify it) and shortcuts. */
export interface KitContext {
  spec: AdapterTestSpec;
  model(): TestModel;
  /** The groups of every kind the spec lists. */
  groups(model?: TestModel): FoldGroup[];
}

/** A context whose model is made on first use with seed 1. */
export function kitContext(spec: AdapterTestSpec): KitContext {
  let model: TestModel | undefined;
  const get = (): TestModel => (model ??= spec.makeModel({ seed: 1 }));
  return {
    spec,
    model: get,
    groups: (m = get()) => spec.adapter.groups(describeModel(m), spec.kinds),
  };
}
