/**
 * Writes the small side files of a checkpoint the way HF's save_pretrained does (2-space indent,
 * keys sorted), so diffs against real hub files are readable.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';

/** Copy of a JSON value with every object's keys in sorted order (Python's sort_keys=True). */
export function sortKeysDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeysDeep);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) out[key] = sortKeysDeep((value as Record<string, unknown>)[key]);
    return out;
  }
  return value;
}

/** Writes `<dir>/<name>` as sorted, indented JSON and returns `name`. */
export async function writeJsonFile(dir: string, name: string, value: unknown): Promise<string> {
  await fs.writeFile(path.join(dir, name), `${JSON.stringify(sortKeysDeep(value), null, 2)}\n`, 'utf8');
  return name;
}

/** Writes `<dir>/<name>` as UTF-8 text and returns `name`. */
export async function writeTextFile(dir: string, name: string, text: string): Promise<string> {
  await fs.writeFile(path.join(dir, name), text, 'utf8');
  return name;
}
