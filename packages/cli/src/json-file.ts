/** The CLI's JSON outputs (--report, --json): written atomically, failures as one-line PathErrors. */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { withPathErrors } from '@speechfold/core';

/** Writes `value` as indented JSON to `file` through a temp file beside it; on failure nothing is left. */
export async function writeJsonAtomic(file: string, value: unknown): Promise<void> {
  const absolute = path.resolve(file);
  const temp = path.join(path.dirname(absolute), `.${path.basename(absolute)}.${process.pid}.tmp`);
  try {
    await withPathErrors(file, 'write', async () => {
      await fs.writeFile(temp, JSON.stringify(value, null, 2) + '\n');
      await fs.rename(temp, absolute);
    });
  } catch (error) {
    await fs.rm(temp, { force: true });
    throw error;
  }
}
