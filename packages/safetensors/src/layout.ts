/**
 * Where tensors go when writing: which shard (by size, in insertion order, as Hugging Face's
 * sharding does) and in what order inside a file (the reference writer's order), plus the
 * file names and index of a sharded checkpoint.
 */
import type { DType } from '@speechfold/core';
import { LAYOUT_RANK } from './dtypes';

/** A tensor already spooled: its description, stored size and where its bytes sit in the spool. */
export interface SpooledTensor {
  name: string;
  dtype: DType;
  shape: number[];
  size: number;
  spoolOffset: number;
}

/** Orders names by their UTF-8 bytes, as the reference (Rust String order) and Python's sort do. */
export function compareNames(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** The reference writer's order within a file: dtype alignment descending, then name. */
export function layoutOrder(tensors: readonly SpooledTensor[]): SpooledTensor[] {
  return [...tensors].sort((a, b) => LAYOUT_RANK[b.dtype] - LAYOUT_RANK[a.dtype] || compareNames(a.name, b.name));
}

/**
 * Splits tensors into shards of at most `maxShardBytes` of tensor data, in insertion order so that
 * neighbouring tensors (one layer) share a shard. A tensor larger than the limit gets a shard of
 * its own, since a tensor is never split.
 */
export function planShards(tensors: readonly SpooledTensor[], maxShardBytes: number | undefined): SpooledTensor[][] {
  if (maxShardBytes === undefined) return [[...tensors]];
  const shards: SpooledTensor[][] = [];
  let current: SpooledTensor[] = [];
  let bytes = 0;
  for (const t of tensors) {
    if (current.length > 0 && bytes + t.size > maxShardBytes) {
      shards.push(current);
      current = [];
      bytes = 0;
    }
    current.push(t);
    bytes += t.size;
  }
  if (current.length > 0 || shards.length === 0) shards.push(current);
  return shards;
}

/** Hugging Face's shard name, e.g. model-00001-of-00003.safetensors. */
export function shardFileName(index: number, count: number): string {
  const pad = (n: number): string => String(n).padStart(5, '0');
  return `model-${pad(index + 1)}-of-${pad(count)}.safetensors`;
}

/** Whether a sink writing a model dir may produce a file of this name. */
export function isCheckpointFileName(name: string): boolean {
  return (
    name === 'model.safetensors' ||
    name === 'model.safetensors.index.json' ||
    /^model-\d{5}-of-\d{5}\.safetensors$/.test(name)
  );
}

/** The index JSON: {"metadata":{"total_size":N},"weight_map":{...}} with names sorted, as HF writes it. */
export function buildIndex(shards: readonly { file: string; tensors: readonly SpooledTensor[] }[]): string {
  let totalSize = 0;
  const pairs: [string, string][] = [];
  for (const shard of shards) {
    for (const t of shard.tensors) {
      totalSize += t.size;
      pairs.push([t.name, shard.file]);
    }
  }
  pairs.sort((a, b) => compareNames(a[0], b[0]));
  // fromEntries defines properties, so a tensor named "__proto__" stays a plain key.
  const index = { metadata: { total_size: totalSize }, weight_map: Object.fromEntries(pairs) };
  return `${JSON.stringify(index, null, 2)}\n`;
}
