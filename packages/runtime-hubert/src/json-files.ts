/** Reading the JSON side files of a checkpoint directory, with errors that name the file. */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { FormatError, PathError } from '@speechfold/core';

/** The parsed JSON of dir/name; undefined when `optional` and the file does not exist. */
export async function readJsonFile(dir: string, name: string, optional = false): Promise<unknown> {
  const file = path.join(dir, name);
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (error) {
    if (optional && (error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new PathError(file, `cannot be read: ${(error as Error).message}`, { cause: error });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new FormatError({ file }, `is not valid JSON: ${(error as Error).message}`, { cause: error });
  }
}

/** True for a plain JSON object. */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
