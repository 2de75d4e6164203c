/**
 * Path helpers shared by readers and writers: turning fs errors into PathError, keeping shard names
 * from an untrusted index inside the model dir, and refusing to write over protected files or files
 * this process has open for reading.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { PathError } from '@speechfold/core';

/** A PathError for a failed fs call on `file`, with the fs error as its cause. */
export function pathError(file: string, cause: unknown, doing = 'cannot open'): PathError {
  const code = (cause as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') return new PathError(file, 'does not exist', { cause });
  if (code === 'EACCES' || code === 'EPERM') return new PathError(file, `${doing}: permission denied`, { cause });
  if (code === 'ENOSPC') return new PathError(file, `${doing}: no space left on the device`, { cause });
  return new PathError(file, `${doing}: ${code ?? (cause as Error)?.message ?? String(cause)}`, { cause });
}

/** Whether `child` is `parent` itself or lies under it (both absolute and normalised). */
export function isSameOrInside(parent: string, child: string): boolean {
  const rel = path.relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/** realpath when the path exists, else the absolute path: protection must hold for files not yet created. */
export async function resolveReal(p: string): Promise<string> {
  try {
    return await fs.realpath(p);
  } catch {
    return path.resolve(p);
  }
}

/**
 * Why a shard name from an index would leave the model dir, or null when it stays inside. This is
 * the lexical check; the caller also compares realpaths, which catches symlinks.
 */
export function unsafeShardName(name: unknown): string | null {
  if (typeof name !== 'string' || name.length === 0) return 'expected a non-empty file name';
  if (name.includes('\0')) return 'a file name may not contain NUL';
  if (name.includes('\\')) return 'a file name may not contain backslashes';
  if (path.isAbsolute(name) || /^[A-Za-z]:/.test(name)) return 'an absolute path is not allowed';
  if (name.split('/').includes('..')) return "'..' is not allowed";
  return null;
}

// Files this process has open for reading through this package, by realpath, with a count.
const openForReading = new Map<string, number>();

/** Records that a reader holds `realPath` open. */
export function trackOpen(realPath: string): void {
  openForReading.set(realPath, (openForReading.get(realPath) ?? 0) + 1);
}

/** Records that a reader closed `realPath`. */
export function trackClose(realPath: string): void {
  const n = (openForReading.get(realPath) ?? 0) - 1;
  if (n > 0) openForReading.set(realPath, n);
  else openForReading.delete(realPath);
}

/** The realpaths currently open for reading by this package's readers. */
export function filesOpenForReading(): string[] {
  return [...openForReading.keys()];
}

/**
 * Refuses (PathError) to write `dest` when it, or the file a symlink there points to, is a
 * protected path, lies inside a protected directory, or is open for reading in this process.
 */
export async function assertWritable(dest: string, protectedReal: readonly string[]): Promise<void> {
  const candidates = new Set([path.join(await resolveReal(path.dirname(dest)), path.basename(dest))]);
  candidates.add(await resolveReal(dest));
  for (const c of candidates) {
    for (const p of protectedReal) {
      if (isSameOrInside(p, c)) {
        throw new PathError(dest, `refusing to write over protected path ${p}`);
      }
    }
    if (openForReading.has(c)) {
      throw new PathError(dest, 'is open for reading in this process; refusing to write over it');
    }
  }
}
