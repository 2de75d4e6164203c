/**
 * Reading the JSON side files of a model dir with errors that name the file, and writing JSON the
 * way HF's save_pretrained does (2-space indent, keys sorted) so diffs against hub files read well.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
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

/** Copy of a JSON value with every object's keys sorted (Python's sort_keys=True). */
function sortKeysDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeysDeep);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) out[key] = sortKeysDeep((value as Record<string, unknown>)[key]);
    return out;
  }
  return value;
}

/** Writes `<dir>/<name>` as sorted, indented JSON; returns `name`. */
export async function writeJsonFile(dir: string, name: string, value: unknown): Promise<string> {
  await fs.writeFile(path.join(dir, name), `${JSON.stringify(sortKeysDeep(value), null, 2)}\n`, 'utf8');
  return name;
}

/** Whether `value` is a plain JSON object. */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
