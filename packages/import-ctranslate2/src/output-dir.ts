/**
 * The output dir is built under a temporary name beside it and renamed into place at the end, so a
 * failed import leaves nothing behind and a reader never sees half a model. An existing output
 * is refused unless it is an empty dir.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { PathError } from '@speechfold/core';

/** Refuses an output that exists (other than as an empty dir) or whose parent is missing; returns a fresh temp dir beside it. */
export async function createTempOutput(outDir: string): Promise<string> {
  const stat = await fs.stat(outDir).catch(() => null);
  if (stat && (!stat.isDirectory() || (await fs.readdir(outDir)).length > 0)) {
    throw new PathError(outDir, 'already exists and is not an empty dir; choose a new output dir');
  }
  const parent = path.dirname(path.resolve(outDir));
  if (!(await fs.stat(parent).catch(() => null))?.isDirectory())
    throw new PathError(parent, "the output dir's parent does not exist");
  const temp = `${path.resolve(outDir)}.partial-${process.pid}-${Date.now()}`;
  await fs.mkdir(temp).catch((cause: unknown) => {
    throw new PathError(temp, `cannot create the temp output dir: ${(cause as Error).message}`, { cause });
  });
  return temp;
}

/** Moves the finished temp dir to `outDir` (replacing an empty dir there). */
export async function moveOutputIntoPlace(temp: string, outDir: string): Promise<void> {
  const stat = await fs.stat(outDir).catch(() => null);
  if (stat) await fs.rmdir(outDir); // empty (checked at the start); rmdir refuses otherwise
  await fs.rename(temp, outDir);
}
