/**
 * Sharded checkpoints: `model.safetensors.index.json` maps every tensor to the shard file holding
 * it. The index is untrusted input: shard names must stay inside the model dir (checked lexically
 * and again on realpaths, which catches symlinks), every mapped tensor must be in its shard, and
 * every tensor in a shard must be mapped to that shard.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { FormatError, PathError, type TensorInfo, type TensorSource } from '@speechfold/core';
import { MAX_HEADER_BYTES, describeValue, isJsonObject } from './header';
import { findDuplicateKey } from './json-keys';
import { isSameOrInside, pathError, unsafeShardName } from './paths';
import { SafetensorsFile } from './reader';

/** The index file name of a sharded checkpoint. */
export const INDEX_FILE = 'model.safetensors.index.json';

/** Reads and validates an index; returns tensor -> shard name, in index order. */
async function readIndex(indexFile: string): Promise<Map<string, string>> {
  let bytes: Buffer;
  try {
    const stat = await fs.stat(indexFile);
    if (!stat.isFile()) throw new PathError(indexFile, 'is not a regular file; expected a JSON index');
    if (stat.size > MAX_HEADER_BYTES) {
      throw new FormatError({ file: indexFile }, `index is ${stat.size} bytes; expected at most ${MAX_HEADER_BYTES}`);
    }
    bytes = await fs.readFile(indexFile);
  } catch (cause) {
    if (cause instanceof FormatError || cause instanceof PathError) throw cause;
    throw pathError(indexFile, cause);
  }
  let parsed: unknown;
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    parsed = JSON.parse(text);
  } catch (cause) {
    throw new FormatError({ file: indexFile }, `index is not valid UTF-8 JSON (${(cause as Error).message})`, {
      cause,
    });
  }
  if (!isJsonObject(parsed)) {
    throw new FormatError({ file: indexFile }, `index must be a JSON object, found ${describeValue(parsed)}`);
  }
  const duplicate = findDuplicateKey(text);
  if (duplicate) {
    throw new FormatError(
      { file: indexFile, tensor: duplicate.parent === 'weight_map' ? duplicate.key : undefined },
      `key '${duplicate.key}' appears twice${
        duplicate.parent ? ` in '${duplicate.parent}'` : ''
      }; expected unique keys`,
    );
  }
  const metadata = Object.hasOwn(parsed, 'metadata') ? parsed['metadata'] : undefined;
  if (metadata !== undefined && !isJsonObject(metadata)) {
    throw new FormatError({ file: indexFile }, `'metadata' must be an object, found ${describeValue(metadata)}`);
  }
  const weightMap = Object.hasOwn(parsed, 'weight_map') ? parsed['weight_map'] : undefined;
  if (!isJsonObject(weightMap)) {
    throw new FormatError(
      { file: indexFile },
      `'weight_map' must be an object mapping tensor names to shard files, found ${describeValue(weightMap)}`,
    );
  }
  if (Object.keys(weightMap).length === 0) {
    throw new FormatError({ file: indexFile }, `'weight_map' is empty; expected the tensor names of the checkpoint, each mapped to its shard file`);
  }
  const map = new Map<string, string>();
  for (const [tensor, shard] of Object.entries(weightMap)) {
    const unsafe = unsafeShardName(shard);
    if (unsafe !== null) {
      throw new FormatError(
        { file: indexFile, tensor },
        `shard ${describeValue(shard)} is refused: ${unsafe}; expected a file inside the model directory`,
      );
    }
    map.set(tensor, shard as string);
  }
  return map;
}

/** Resolves a shard name inside `dirReal`; a missing file or an escape through a symlink is refused. */
async function resolveShard(dirReal: string, shard: string, indexFile: string, tensor: string): Promise<string> {
  let real: string;
  try {
    real = await fs.realpath(path.join(dirReal, shard));
  } catch (cause) {
    const found = (cause as NodeJS.ErrnoException).code === 'ENOENT' ? 'it does not exist' : String(cause);
    throw new FormatError({ file: indexFile, tensor }, `shard '${shard}' cannot be opened: ${found}`, { cause });
  }
  if (!isSameOrInside(dirReal, real)) {
    throw new FormatError(
      { file: indexFile, tensor },
      `shard '${shard}' resolves to ${real}, outside the model directory ${dirReal}; refused`,
    );
  }
  return real;
}

/** A sharded checkpoint: one reader per shard, tensors looked up through the index. */
export class ShardedCheckpoint implements TensorSource {
  private constructor(
    /** The model directory. */
    readonly path: string,
    private readonly shards: SafetensorsFile[],
    private readonly byName: Map<string, SafetensorsFile>,
    private readonly order: TensorInfo[],
  ) {}

  /** Opens every shard named by `indexFile` and checks each against the index. */
  static async open(indexFile: string): Promise<ShardedCheckpoint> {
    const map = await readIndex(indexFile);
    const dir = path.dirname(indexFile);
    const dirReal = await fs.realpath(dir).catch((cause: unknown) => {
      throw pathError(dir, cause);
    });
    const shardsByReal = new Map<string, SafetensorsFile>();
    const byName = new Map<string, SafetensorsFile>();
    try {
      for (const [tensor, shard] of map) {
        const real = await resolveShard(dirReal, shard, indexFile, tensor);
        let file = shardsByReal.get(real);
        if (!file) {
          file = await SafetensorsFile.open(path.join(dir, shard));
          shardsByReal.set(real, file);
        }
        if (!file.has(tensor)) {
          throw new FormatError(
            { file: indexFile, tensor },
            `weight_map puts this tensor in '${shard}', but that shard does not hold it`,
          );
        }
        byName.set(tensor, file);
      }
      // Shards in file-name order, tensors in stored order within each.
      const shards = [...shardsByReal.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
      const order: TensorInfo[] = [];
      for (const file of shards) {
        for (const info of file.list()) {
          if (byName.get(info.name) !== file) {
            throw new FormatError(
              { file: file.path, tensor: info.name },
              `this shard holds the tensor but ${INDEX_FILE} does not map it here`,
            );
          }
          order.push(info);
        }
      }
      return new ShardedCheckpoint(dir, shards, byName, order);
    } catch (err) {
      await Promise.all([...shardsByReal.values()].map((f) => f.close().catch(() => undefined)));
      throw err;
    }
  }

  /** Every tensor: shards in file-name order, stored order within each. */
  list(): TensorInfo[] {
    return this.order.map((t) => ({ ...t, shape: [...t.shape] }));
  }

  /** One tensor's description; FormatError naming it when absent. */
  info(name: string): TensorInfo {
    return this.shardOf(name).info(name);
  }

  /** Whether the checkpoint holds `name`. */
  has(name: string): boolean {
    return this.byName.has(name);
  }

  /** The tensor's stored bytes, read from its shard. */
  readBytes(name: string): Promise<Uint8Array> {
    return this.shardOf(name).readBytes(name);
  }

  /** The tensor decoded to f32, read from its shard. */
  readFloat32(name: string): Promise<Float32Array> {
    return this.shardOf(name).readFloat32(name);
  }

  /** The shards' __metadata__ merged in shard order (writers put the same map in every shard). */
  metadata(): Record<string, string> {
    // fromEntries defines properties, so even a key named "__proto__" stays plain data.
    return Object.fromEntries(this.shards.flatMap((s) => Object.entries(s.metadata())));
  }

  /** Closes every shard. */
  async close(): Promise<void> {
    await Promise.all(this.shards.map((s) => s.close()));
  }

  private shardOf(name: string): SafetensorsFile {
    const file = this.byName.get(name);
    if (!file) {
      throw new FormatError(
        { file: path.join(this.path, INDEX_FILE), tensor: name },
        `no such tensor; expected one of the ${this.order.length} tensors in the weight_map`,
      );
    }
    return file;
  }
}
