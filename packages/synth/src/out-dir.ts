/**
 * The output directory: created when absent, used when empty, refused otherwise, so synth never
 * mixes its files with a user's or overwrites a checkpoint.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { PathError } from '@speechfold/core';

function isMissing(e: unknown): boolean {
  return (e as NodeJS.ErrnoException | null)?.code === 'ENOENT';
}

/** Makes `dir` ready; returns whether it was created (and so may be removed again on failure). */
export async function prepareOutDir(dir: string): Promise<boolean> {
  let entries: string[];
  try {
    entries = await fs.readdir(dir);
  } catch (e) {
    if (!isMissing(e)) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new PathError(dir, code === 'ENOTDIR' ? 'exists and is not a directory' : `cannot read: ${String(e)}`, {
        cause: e,
      });
    }
    try {
      await fs.mkdir(dir, { recursive: true });
    } catch (err) {
      throw new PathError(dir, `cannot create: ${String(err)}`, { cause: err });
    }
    return true;
  }
  if (entries.length > 0) {
    throw new PathError(dir, `exists and is not empty (${entries.length} entries); choose a new or empty directory`);
  }
  return false;
}

/** Removes what a failed run left: the directory if it was created, else its (run-made) contents. */
export async function cleanOutDir(dir: string, created: boolean): Promise<void> {
  if (created) {
    await fs.rm(dir, { recursive: true, force: true });
    return;
  }
  for (const entry of await fs.readdir(dir)) await fs.rm(path.join(dir, entry), { recursive: true, force: true });
}

/** Names and total size of the files now in `dir` (all written by this run, since it started empty). */
export async function listOutput(dir: string): Promise<{ files: string[]; bytes: number }> {
  const files = (await fs.readdir(dir)).sort();
  let bytes = 0;
  for (const f of files) bytes += (await fs.stat(path.join(dir, f))).size;
  return { files, bytes };
}
