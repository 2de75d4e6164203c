/**
 * Reading the JSON side files of a model dir with errors that name the file. (Writing them, sorted
 * as HF's save_pretrained does, is adapter-whisper's writeCheckpointJson.)
 */
import { promises as fs } from 'node:fs';
import { FormatError, PathError } from '@speechfold/core';

/** Parses `file` as JSON; PathError if unreadable, FormatError if not JSON. */
export async function readJsonFile(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (cause) {
    throw new PathError(file, `cannot read: ${(cause as Error).message}`, { cause });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (cause) {
    throw new FormatError({ file }, `is not JSON: ${(cause as Error).message}`, { cause });
  }
}

/** Whether `value` is a plain JSON object. */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
