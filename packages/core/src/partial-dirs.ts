/**
 * Partial outputs: a writer builds its output in '<output>.speechfold-partial-<pid>-<time>' and renames
 * it into place at the end. While it works the dir is registered here, so that whoever handles
 * SIGINT/SIGTERM (the CLI) can remove every partial dir before exiting; a dir left by a killed process
 * (SIGKILL, power loss) is recognised by its dead pid and removed by the next writer of that output.
 * Parent dirs a writer created for its output (`--out a/b/c` with no `a/`) are registered with the
 * partial dir and removed with it, where they are still empty.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { missingParentDirs, removeEmptyDirs, withPathErrors } from './output-path';

const PARTIAL = '.speechfold-partial-';
/** Each live partial dir, with the parent dirs created for it (deepest first). */
const live = new Map<string, readonly string[]>();

/** A fresh partial dir name for `output` (not created). */
export function partialDirFor(output: string): string {
  return `${output.replace(/[\\/]+$/, '')}${PARTIAL}${process.pid}-${Date.now()}`;
}

/**
 * Marks `dir` as a partial output of this process until `release` is called; `createdParents` (deepest
 * first) are dirs made for it, removed with it where empty.
 */
export function registerPartialDir(dir: string, createdParents: readonly string[] = []): () => void {
  live.set(dir, createdParents);
  return () => void live.delete(dir);
}

/**
 * Removes every registered partial dir, and the parents created for it where they are empty
 * (synchronous work is avoided: callers await it before exiting). Returns the partial dirs.
 */
export async function removePartialDirs(): Promise<string[]> {
  const entries = [...live];
  live.clear();
  await Promise.all(
    entries.map(async ([dir, parents]) => {
      await fs.rm(dir, { recursive: true, force: true }).catch(() => undefined);
      await removeEmptyDirs(parents);
    }),
  );
  return entries.map(([dir]) => dir);
}

/** A partial output dir being written (see `createPartialDir`). */
export interface PartialDir {
  /** The dir to write into; rename it to the output when complete. */
  dir: string;
  /** Unregisters it from the signal cleanup: call once it was renamed into place or discarded. */
  release: () => void;
  /** Removes it, and the parent dirs created for it where they are empty (a failed run). */
  discard: () => Promise<void>;
}

/**
 * Creates a fresh partial dir beside `output`, and first the output's missing parent dirs (mkdir -p):
 * call it once every check of the output passed (checkOutputPath). Both are registered before they
 * exist, so that a SIGINT/SIGTERM handler that sees them on disk always removes them.
 */
export async function createPartialDir(output: string): Promise<PartialDir> {
  const dir = partialDirFor(output);
  const parents = await missingParentDirs(output);
  const release = registerPartialDir(dir, parents);
  const discard = async (): Promise<void> => {
    await fs.rm(dir, { recursive: true, force: true });
    await removeEmptyDirs(parents);
  };
  try {
    if (parents.length > 0) {
      await withPathErrors(parents[0], 'create the missing parent dirs of the output', () => fs.mkdir(parents[0], { recursive: true }));
    }
    await withPathErrors(dir, "create the output's temp dir", () => fs.mkdir(dir, { recursive: false }));
  } catch (error) {
    await removeEmptyDirs(parents);
    release();
    throw error;
  }
  return { dir, release, discard };
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes the partial dirs of `output` left by processes that no longer run; returns their paths.
 * Dirs of live processes (another run writing the same output) are left alone.
 */
export async function removeStalePartialDirs(output: string): Promise<string[]> {
  const absolute = path.resolve(output.replace(/[\\/]+$/, ''));
  const parent = path.dirname(absolute);
  const prefix = `${path.basename(absolute)}${PARTIAL}`;
  const entries = await fs.readdir(parent).catch(() => [] as string[]);
  const removed: string[] = [];
  for (const entry of entries) {
    if (!entry.startsWith(prefix)) continue;
    const pid = Number(/^(\d+)-/.exec(entry.slice(prefix.length))?.[1]);
    if (!Number.isSafeInteger(pid) || pid <= 0 || (pid !== process.pid && processAlive(pid))) continue;
    if (pid === process.pid && live.has(path.join(parent, entry))) continue;
    await fs.rm(path.join(parent, entry), { recursive: true, force: true });
    removed.push(path.join(parent, entry));
  }
  return removed;
}
