/**
 * The small JSON side files of a Hugging Face checkpoint (config.json, generation_config.json,
 * tokenizer and feature-extractor settings), written the way save_pretrained writes them: keys sorted
 * at every depth, 2-space indent, a final newline (Python's json.dumps(sort_keys=True, indent=2) +
 * "\n"), so diffs against real hub files are readable. Values are formatted as JSON.stringify does
 * (UTF-8 text, `0` for 0.0).
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

/** The text of a checkpoint JSON file: sorted keys, 2-space indent, final newline. */
export function checkpointJsonText(value: unknown): string {
  return `${JSON.stringify(sortKeysDeep(value), null, 2)}\n`;
}

/** Writes `<dir>/<name>` as checkpointJsonText(value) in UTF-8; returns `name`. */
export async function writeCheckpointJson(dir: string, name: string, value: unknown): Promise<string> {
  await fs.writeFile(path.join(dir, name), checkpointJsonText(value), 'utf8');
  return name;
}
