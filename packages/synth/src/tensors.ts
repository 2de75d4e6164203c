/**
 * Streams synthetic tensors into a sink one at a time. Only one tensor's encoded bytes and one fp32
 * chunk are alive at once: a 1.5 B-parameter model is never held in fp32 (or at all).
 */
import { DTYPE_SIZE, Random, numel, type DType, type ProgressListener, type TensorSink } from '@speechfold/core';
import { encodeFromFloat32 } from '@speechfold/safetensors';
import { fillerFor } from './init';

/** A tensor to generate: state-dict name and shape. */
export interface TensorPlan {
  name: string;
  shape: number[];
}

/** Elements generated per step: 4 MiB of fp32, large enough to amortise calls, small enough to stay cache-friendly. */
const CHUNK = 1 << 20;

/**
 * The seed of one tensor: FNV-1a over "<seed>/<name>". Each tensor has its own stream, so its values
 * depend only on the seed and its name, not on which other tensors exist or their order.
 */
export function tensorSeed(seed: number, name: string): number {
  let h = 0x811c9dc5;
  const text = `${seed}/${name}`;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Generates one tensor's values and returns them encoded to `dtype`. */
export function synthesizeTensor(plan: TensorPlan, dtype: DType, seed: number, chunk: Float32Array): Uint8Array {
  const n = numel(plan.shape);
  const size = DTYPE_SIZE[dtype];
  const bytes = new Uint8Array(n * size);
  const rng = new Random(tensorSeed(seed, plan.name));
  const fill = fillerFor(plan.name);
  for (let start = 0; start < n; start += chunk.length) {
    const view = chunk.subarray(0, Math.min(chunk.length, n - start));
    fill(rng, view, start, plan.shape);
    bytes.set(encodeFromFloat32(dtype, view), start * size);
  }
  return bytes;
}

/** Generates and adds every planned tensor to `sink`, in order; reports one progress step per tensor. */
export async function writeTensors(
  sink: TensorSink,
  plans: readonly TensorPlan[],
  dtype: DType,
  seed: number,
  onProgress: ProgressListener
): Promise<void> {
  const chunk = new Float32Array(CHUNK);
  onProgress({ type: 'stage', stage: 'synthesize', total: plans.length });
  for (let i = 0; i < plans.length; i++) {
    const plan = plans[i];
    await sink.addBytes(plan.name, dtype, plan.shape, synthesizeTensor(plan, dtype, seed, chunk));
    onProgress({ type: 'step', stage: 'synthesize', done: i + 1, total: plans.length, item: plan.name });
  }
}
