import fs from 'node:fs/promises';
import path from 'node:path';

/** Writes a file atomically (temp file in the same dir, then rename): a killed run never leaves half a file. */
export async function writeAtomic(file: string, text: string): Promise<void> {
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  await fs.writeFile(temp, text);
  await fs.rename(temp, file);
}

/** The JSON in `file`, or null when it does not exist. */
export async function readJsonIfExists<T>(file: string): Promise<T | null> {
  const text = await fs.readFile(file, 'utf8').catch(() => null);
  return text === null ? null : (JSON.parse(text) as T);
}
