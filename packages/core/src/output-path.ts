/**
 * The one guard every writer calls before doing any work: an output path may never be, sit inside or
 * hold an input (model dir, data dir, list file), and its parent must be a writable dir or creatable
 * in one (its missing parents are made by `createParentDirs`, only once every check has passed). And
 * the one wrapper that turns a filesystem failure into a PathError naming the path.
 */
import { constants as fsConstants, promises as fs } from 'node:fs';
import path from 'node:path';
import { types } from 'node:util';
import { OptionError, PathError, SpeechfoldError } from './errors';

/** What an output path is checked against. */
export interface OutputPathCheck {
  /** The option or argument that named the path, for messages ('--out', '--report', '--json'). */
  option: string;
  /** Paths that must never be written, replaced or swallowed by the output (missing ones are skipped). */
  inputs: readonly string[];
  /** 'file': one file is written, replacing an existing file; 'dir': a dir is created (an existing one only with `force`). */
  kind: 'file' | 'dir';
  /** For 'dir': an existing dir may be replaced. */
  force?: boolean;
}

/** `p` with symlinks resolved as far as it exists, the rest appended (the path need not exist). */
export async function resolveRealPath(p: string): Promise<string> {
  const absolute = path.resolve(p);
  let existing = absolute;
  const rest: string[] = [];
  for (;;) {
    try {
      return path.join(await fs.realpath(existing), ...rest);
    } catch {
      const parent = path.dirname(existing);
      if (parent === existing) return absolute;
      rest.unshift(path.basename(existing));
      existing = parent;
    }
  }
}

/** True when `inner` is `outer` or lies below it (both absolute, resolved). */
function within(inner: string, outer: string): boolean {
  const rel = path.relative(outer, inner);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/**
 * Refuses `output` (with an OptionError or PathError naming it) when it is, lies inside or holds one of
 * `check.inputs`; when a 'dir' output is the filesystem root or holds the current dir; when a 'file'
 * output is a dir; when a 'dir' output exists without `force`; or when its parent is not a dir or not
 * writable. A missing parent is fine when its nearest existing ancestor is a writable dir (the writer
 * creates the missing dirs with `createParentDirs` when it starts writing); nothing is created here.
 * Returns the absolute path to write.
 */
export async function checkOutputPath(output: unknown, check: OutputPathCheck): Promise<string> {
  const { option } = check;
  if (typeof output !== 'string' || output.trim() === '') {
    throw new OptionError(option, `expected a ${check.kind === 'dir' ? 'directory' : 'file'} path, got ${JSON.stringify(output)}`);
  }
  const absolute = path.resolve(output);
  const real = await resolveRealPath(absolute);
  for (const input of check.inputs) {
    const realInput = await resolveRealPath(input);
    if (real === realInput) throw new OptionError(option, `'${output}' is the input ${input}; choose another path`);
    if (within(real, realInput)) throw new OptionError(option, `'${output}' is inside the input ${input}; choose a path outside it`);
    if (within(realInput, real)) throw new OptionError(option, `'${output}' holds the input ${input}; choose another path`);
  }
  if (check.kind === 'dir' && within(await resolveRealPath(process.cwd()), real)) {
    throw new OptionError(option, `'${output}' is the current directory or holds it; choose a new directory`);
  }
  const stat = await fs.stat(absolute).catch(() => null);
  if (stat && check.kind === 'file' && stat.isDirectory()) throw new PathError(output, `given as ${option}: is a directory; expected a file path`);
  if (stat && check.kind === 'dir') {
    if (!stat.isDirectory()) throw new PathError(output, `given as ${option}: exists and is not a dir; refusing to replace it`);
    if (check.force !== true) throw new PathError(output, `given as ${option}: already exists; pass --force to replace it`);
  }
  const parent = path.dirname(absolute);
  // The nearest existing ancestor of the output: its parent, or the dir under which the missing
  // parents will be created.
  let existing = parent;
  let existingStat = await fs.stat(existing).catch(() => null);
  while (!existingStat && path.dirname(existing) !== existing) {
    existing = path.dirname(existing);
    existingStat = await fs.stat(existing).catch(() => null);
  }
  const missing = existing !== parent;
  if (!existingStat || !existingStat.isDirectory()) {
    throw new PathError(existing, `the parent of ${option} '${output}' ${missing ? 'cannot be created: this is not a directory' : 'is not a directory'}`);
  }
  try {
    await fs.access(existing, fsConstants.W_OK);
  } catch {
    throw new PathError(existing, missing ? `cannot create the parent dirs of ${option} '${output}' in this dir` : `cannot write in the parent of ${option} '${output}'`);
  }
  return absolute;
}

/** The missing ancestors of `output`'s parent dir, deepest first (empty when the parent exists). */
export async function missingParentDirs(output: string): Promise<string[]> {
  const missing: string[] = [];
  for (let dir = path.dirname(path.resolve(output)); path.dirname(dir) !== dir; dir = path.dirname(dir)) {
    if (await fs.stat(dir).catch(() => null)) break;
    missing.push(dir);
  }
  return missing;
}

/**
 * Creates the missing parent dirs of `output` (mkdir -p), for a writer whose checks (checkOutputPath)
 * have all passed; returns the dirs it created, deepest first, for `removeEmptyDirs` on failure.
 */
export async function createParentDirs(output: string): Promise<string[]> {
  const missing = await missingParentDirs(output);
  if (missing.length > 0) {
    const parent = path.dirname(path.resolve(output));
    await withPathErrors(parent, 'create the missing parent dirs of the output', () => fs.mkdir(parent, { recursive: true }));
  }
  return missing;
}

/** Removes `dirs` (deepest first) while they are empty: never a file, never a dir something else wrote into. */
export async function removeEmptyDirs(dirs: readonly string[]): Promise<void> {
  for (const dir of dirs) {
    try {
      await fs.rmdir(dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
      return; // not empty (or not ours to remove): its ancestors are not empty either
    }
  }
}

/** A Node filesystem error (it has an errno code such as 'ENOSPC'); isNativeError also holds across realms (jest). */
export function isFileSystemError(error: unknown): error is NodeJS.ErrnoException {
  return (error instanceof Error || types.isNativeError(error)) && typeof (error as NodeJS.ErrnoException).code === 'string' && /^E[A-Z]+$/.test((error as NodeJS.ErrnoException).code ?? '');
}

/** Runs `action`; a filesystem failure becomes a PathError naming `file` and what was being done. */
export async function withPathErrors<T>(file: string, doing: string, action: () => Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (cause) {
    if (cause instanceof SpeechfoldError || !isFileSystemError(cause)) throw cause;
    throw new PathError(file, `cannot ${doing}: ${describeFileSystemError(cause)}`, { cause });
  }
}

/** 'ENOSPC (no space left on device)' style text for a filesystem error. */
export function describeFileSystemError(error: NodeJS.ErrnoException): string {
  const reasons: Record<string, string> = {
    ENOSPC: 'no space left on device',
    EACCES: 'permission denied',
    EPERM: 'operation not permitted',
    ENOENT: 'no such file or directory',
    ENOTDIR: 'a path component is not a directory',
    EISDIR: 'is a directory',
    EEXIST: 'already exists',
    EROFS: 'read-only file system',
    EDQUOT: 'disk quota exceeded',
    EMFILE: 'too many open files',
    EXDEV: 'cannot move across file systems',
  };
  const code = error.code ?? 'error';
  return reasons[code] ? `${code} (${reasons[code]})` : `${code}: ${error.message}`;
}
