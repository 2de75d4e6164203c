/**
 * Checks a checkpoint's tensor list against the parameters its config.json implies: every expected
 * tensor present with the implied shape, and nothing the config does not account for (a tensor of a
 * layer the config does not have means config and weights disagree). Each failure is a ModelError
 * naming the tensor, with the config values the shape came from.
 */
import { ModelError, type TensorInfo } from '@speechfold/core';

/** A tensor the config implies: name and shape. */
export interface ExpectedTensor {
  name: string;
  shape: readonly number[];
}

/** How the check treats tensors beyond the expected ones. */
export interface TensorCheckOptions {
  /** Config values the shapes come from, for messages, e.g. 'HubertForCTC, hidden_size 32, ...'. */
  context: string;
  /** True for an extra tensor the format allows (e.g. a tied head some exporters store anyway). */
  allowExtra?: (tensor: TensorInfo) => boolean;
}

function shapeText(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

/** Throws ModelError (subject: the tensor) at the first tensor that is missing, misshapen or unexpected. */
export function checkTensors(
  expected: readonly ExpectedTensor[],
  actual: readonly TensorInfo[],
  options: TensorCheckOptions,
): void {
  const stored = new Map(actual.map((t) => [t.name, t]));
  for (const want of expected) {
    const got = stored.get(want.name);
    if (got === undefined) {
      throw new ModelError({ tensor: want.name }, `missing, expected by config.json (${options.context})`);
    }
    const same = got.shape.length === want.shape.length && got.shape.every((d, i) => d === want.shape[i]);
    if (!same) {
      throw new ModelError(
        { tensor: want.name },
        `shape ${shapeText(got.shape)} disagrees with config.json, which implies ${shapeText(want.shape)} ` +
          `(${options.context})`,
      );
    }
  }
  const known = new Set(expected.map((t) => t.name));
  for (const tensor of actual) {
    if (known.has(tensor.name) || options.allowExtra?.(tensor) === true) continue;
    throw new ModelError({ tensor: tensor.name }, `not expected by config.json (${options.context})`);
  }
}
