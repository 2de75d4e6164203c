/**
 * Opening a checkpoint by path: a .safetensors file, or a model directory holding a sharded index
 * (preferred) or a single model.safetensors.
 */
import { promises as fs } from 'node:fs';
import * as nodePath from 'node:path';
import { PathError, type TensorSource } from '@speechfold/core';
import { pathError } from './paths';
import { SafetensorsFile } from './reader';
import { INDEX_FILE, ShardedCheckpoint } from './sharded';

/** The single-file name inside a model directory. */
export const SINGLE_FILE = 'model.safetensors';

async function isFile(p: string): Promise<boolean> {
  try {
    return (await fs.stat(p)).isFile();
  } catch {
    return false;
  }
}

/** Opens a .safetensors file, or a directory with model.safetensors.index.json or model.safetensors. */
export async function openCheckpoint(path: string): Promise<TensorSource> {
  let stat;
  try {
    stat = await fs.stat(path);
  } catch (cause) {
    throw pathError(path, cause);
  }
  if (!stat.isDirectory()) return SafetensorsFile.open(path);
  const index = nodePath.join(path, INDEX_FILE);
  if (await isFile(index)) return ShardedCheckpoint.open(index);
  const single = nodePath.join(path, SINGLE_FILE);
  if (await isFile(single)) return SafetensorsFile.open(single);
  throw new PathError(path, `is a directory without ${INDEX_FILE} or ${SINGLE_FILE}; expected one of them`);
}
