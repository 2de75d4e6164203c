/**
 * The output dir is built under a temporary name beside it and renamed into place at the end, so a
 * failed import leaves nothing behind and a reader never sees half a model. An existing output
 * is refused unless it is an empty dir.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { checkOutputPath, partialDirFor, PathError, registerPartialDir, removeStalePartialDirs } from '@speechfold/core';

/** A temp output dir and the function that unregisters it from the signal cleanup. */
export interface TempOutput {
  dir: string;
  release: () => void;
}

/**
 * Refuses an output that is, holds or sits inside an input, exists (other than as an empty dir), or
 * whose parent is missing; returns a fresh temp dir beside it, registered for removal on SIGINT/SIGTERM.
 */
export async function createTempOutput(outDir: string, inputs: readonly string[]): Promise<TempOutput> {
  await checkOutputPath(outDir, { option: '--out', inputs, kind: 'dir', force: true });
  const stat = await fs.stat(outDir).catch(() => null);
  if (stat && (!stat.isDirectory() || (await fs.readdir(outDir)).length > 0)) {
    throw new PathError(outDir, 'already exists and is not an empty dir; choose a new output dir');
  }
  await removeStalePartialDirs(outDir);
  const temp = partialDirFor(path.resolve(outDir));
  // Registered before it exists, so that a signal handler that sees it on disk always removes it.
  const release = registerPartialDir(temp);
  await fs.mkdir(temp).catch((cause: unknown) => {
    release();
    throw new PathError(temp, `cannot create the temp output dir: ${(cause as Error).message}`, { cause });
  });
  return { dir: temp, release };
}

/** Moves the finished temp dir to `outDir` (replacing an empty dir there). */
export async function moveOutputIntoPlace(temp: string, outDir: string): Promise<void> {
  const stat = await fs.stat(outDir).catch(() => null);
  if (stat) await fs.rmdir(outDir); // empty (checked at the start); rmdir refuses otherwise
  await fs.rename(temp, outDir);
}
