/**
 * The output dir is built under a temporary name beside it and renamed into place at the end, so a
 * failed import leaves nothing behind and a reader never sees half a model. An existing output
 * is refused unless it is an empty dir.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { checkOutputPath, createPartialDir, PathError, removeStalePartialDirs, type PartialDir } from '@speechfold/core';

/** A temp output dir, the function that unregisters it from the signal cleanup, and its removal. */
export type TempOutput = PartialDir;

/**
 * Refuses an output that is, holds or sits inside an input, or exists (other than as an empty dir);
 * then creates its missing parent dirs and a fresh temp dir beside it, registered for removal on
 * SIGINT/SIGTERM (`discard` removes both on failure).
 */
export async function createTempOutput(outDir: string, inputs: readonly string[]): Promise<TempOutput> {
  await checkOutputPath(outDir, { option: '--out', inputs, kind: 'dir', force: true });
  const stat = await fs.stat(outDir).catch(() => null);
  if (stat && (!stat.isDirectory() || (await fs.readdir(outDir)).length > 0)) {
    throw new PathError(outDir, 'already exists and is not an empty dir; choose a new output dir');
  }
  await removeStalePartialDirs(outDir);
  // Registered before they exist, so that a signal handler that sees them on disk always removes them.
  return createPartialDir(path.resolve(outDir));
}

/** Moves the finished temp dir to `outDir` (replacing an empty dir there). */
export async function moveOutputIntoPlace(temp: string, outDir: string): Promise<void> {
  const stat = await fs.stat(outDir).catch(() => null);
  if (stat) await fs.rmdir(outDir); // empty (checked at the start); rmdir refuses otherwise
  await fs.rename(temp, outDir);
}
