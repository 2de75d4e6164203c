/**
 * The CLI's JSON files: inputs (--spec, --policy-file) read with one-line errors, outputs (--report,
 * --json) written atomically, failures as one-line PathErrors.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { createParentDirs, FormatError, PathError, removeEmptyDirs, withPathErrors } from '@speechfold/core';

/** Parses the JSON file `file`; a PathError when it cannot be read, a FormatError when it is not JSON. */
export async function readJson(file: string, what: string): Promise<unknown> {
  const text = await fs.readFile(file, 'utf8').catch((cause) => {
    throw new PathError(file, `cannot read the ${what}: ${(cause as Error).message}`);
  });
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new FormatError({ file }, `expected JSON ${what}: ${(cause as Error).message}`);
  }
}

/**
 * Writes `value` as indented JSON to `file` through a temp file beside it, creating its missing parent
 * dirs first (the caller checked the path with checkOutputPath); on failure nothing is left.
 */
export async function writeJsonAtomic(file: string, value: unknown): Promise<void> {
  const absolute = path.resolve(file);
  const temp = path.join(path.dirname(absolute), `.${path.basename(absolute)}.${process.pid}.tmp`);
  const created = await createParentDirs(absolute);
  try {
    await withPathErrors(file, 'write', async () => {
      await fs.writeFile(temp, JSON.stringify(value, null, 2) + '\n');
      await fs.rename(temp, absolute);
    });
  } catch (error) {
    await fs.rm(temp, { force: true });
    await removeEmptyDirs(created);
    throw error;
  }
}
