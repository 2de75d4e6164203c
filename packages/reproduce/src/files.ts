import fs from 'node:fs/promises';
import path from 'node:path';
import { withPathErrors } from '@speechfold/core';

/**
 * Writes a file atomically (temp file in the same dir, then rename): a killed run never leaves half a
 * file. A filesystem failure (ENOSPC, EACCES, ...) becomes a one-line PathError naming the file.
 */
export async function writeAtomic(file: string, text: string): Promise<void> {
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  await withPathErrors(file, 'write', async () => {
    try {
      await fs.writeFile(temp, text);
      await fs.rename(temp, file);
    } catch (error) {
      await fs.rm(temp, { force: true }).catch(() => undefined);
      throw error;
    }
  });
}

/** What reading a JSON file gave: nothing there, the parsed value, or why it is not JSON. */
export type JsonRead = { kind: 'missing' } | { kind: 'json'; value: unknown } | { kind: 'bad'; problem: string };

/**
 * Reads and parses `file`. A missing file is 'missing'; an empty, truncated or otherwise unparsable one
 * is 'bad' with the reason (never an exception), so the caller can name it and recompute what it held.
 */
export async function readJson(file: string): Promise<JsonRead> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'missing' };
    return { kind: 'bad', problem: `cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})` };
  }
  if (text.trim() === '') return { kind: 'bad', problem: 'is empty (truncated?)' };
  try {
    return { kind: 'json', value: JSON.parse(text) as unknown };
  } catch (error) {
    return { kind: 'bad', problem: `is not valid JSON (truncated?): ${(error as Error).message}` };
  }
}
