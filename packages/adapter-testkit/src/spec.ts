/** What an adapter hands the test kit. */
import type { ModelAdapter } from '@speechfold/core';
import type { TestModel } from './model';

/** How the kit asks for a model. */
export interface MakeModelOptions {
  /** Seed of the tensor values: the same seed, the same model. */
  seed: number;
}

/** The adapter under test and a small model of its family. */
export interface AdapterTestSpec {
  adapter: ModelAdapter;
  /** Title of the kit's describe block (default: the adapter id). */
  name?: string;
  /**
   * A small valid model of the family (a few layers, dims of a few dozen), with at least 2 FFN units
   * and 2 heads per group so that every group can lose a unit.
   */
  makeModel(options: MakeModelOptions): TestModel;
  /** Every group kind the adapter offers; they must be compressible together (no shared tensors). */
  kinds: readonly string[];
  /** config.json fields that decide tensor shapes: doubling any one must make `validate` fail. */
  dimensionFields: readonly string[];
  /** Configs of other families the adapter must not match (a generic foreign config is always tried). */
  foreignConfigs?: readonly Record<string, unknown>[];
}
