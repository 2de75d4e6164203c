/**
 * In-memory models for adapter tests: a config.json object and fp32 tensors by name. Small enough
 * to build in milliseconds, real enough that an adapter validates, groups and rewrites them exactly
 * as it would a checkpoint on disk.
 */
import { numel, Random, type DType, type ModelDescription } from '@speechfold/core';

/** One tensor of a test model (values fp32 whatever `dtype` says, as core's MemorySource holds them). */
export interface TestTensor {
  dtype: DType;
  shape: number[];
  data: Float32Array;
}

/** A model as an adapter sees it, with the values the folding checks need. */
export interface TestModel {
  config: Record<string, unknown>;
  tensors: Map<string, TestTensor>;
}

/** The ModelDescription (config + tensor list) an adapter receives for this model. */
export function describeModel(model: TestModel): ModelDescription {
  const tensors = [...model.tensors].map(([name, t]) => ({ name, dtype: t.dtype, shape: [...t.shape] }));
  return { config: model.config, tensors };
}

/**
 * Seeded random tensors for a parameter list: uniform values in [-0.05, 0.05) (uniform rather than
 * normal because a Whisper embedding alone holds 50k x d values and tests must stay fast). The same
 * seed and list give the same values.
 */
export function randomTensors(
  parameters: readonly { name: string; shape: readonly number[] }[],
  seed: number,
  dtype: DType = 'F32',
): Map<string, TestTensor> {
  const rng = new Random(seed);
  const tensors = new Map<string, TestTensor>();
  for (const p of parameters) {
    const data = new Float32Array(numel(p.shape));
    for (let i = 0; i < data.length; i++) data[i] = (rng.next() - 0.5) * 0.1;
    tensors.set(p.name, { dtype, shape: [...p.shape], data });
  }
  return tensors;
}

/** The model without one tensor. */
export function withoutTensor(model: TestModel, name: string): TestModel {
  const tensors = new Map(model.tensors);
  tensors.delete(name);
  return { config: model.config, tensors };
}
