/** What every kit check shares: the spec and one lazily built model; and what a check is. */
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

/** One check of the kit: it throws (a KitFailure naming what failed) when the adapter fails it. */
export interface KitCheck {
  /** 'detection and validation', 'fold groups' or 'config rewrite'. */
  section: string;
  /** What it checks, as a sentence (the test's title). */
  name: string;
  /** Why it does not apply to this spec (e.g. no 'heads' kind), or null (default) when it does. */
  skip?(spec: AdapterTestSpec): string | null;
  run(ctx: KitContext): void | Promise<void>;
}
