/**
 * Partial outputs: a writer builds its output in '<output>.speechfold-partial-<pid>-<time>' and renames
 * it into place at the end. While it works the dir is registered here, so that whoever handles
 * SIGINT/SIGTERM (the CLI) can remove every partial dir before exiting; a dir left by a killed process
 * (SIGKILL, power loss) is recognised by its dead pid and removed by the next writer of that output.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';

const PARTIAL = '.speechfold-partial-';
const live = new Set<string>();

/** A fresh partial dir name for `output` (not created). */
export function partialDirFor(output: string): string {
  return `${output.replace(/[\\/]+$/, '')}${PARTIAL}${process.pid}-${Date.now()}`;
}

/** Marks `dir` as a partial output of this process until `release` is called. */
export function registerPartialDir(dir: string): () => void {
  live.add(dir);
  return () => void live.delete(dir);
}

/** Removes every registered partial dir (synchronous work is avoided: callers await it before exiting). */
export async function removePartialDirs(): Promise<string[]> {
  const dirs = [...live];
  live.clear();
  await Promise.all(dirs.map((d) => fs.rm(d, { recursive: true, force: true }).catch(() => undefined)));
  return dirs;
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
