// Runs the README's "Using it from code" example: the ts block is extracted from README.md as it is
// written there, saved as a module and required (jest transpiles it), so the two cannot drift apart.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { CompressionResult } from '@speechfold/core';
import { openCheckpoint } from '@speechfold/safetensors';
import { synthesize } from '@speechfold/synth';

/** The first ```ts block after `heading` in the README. */
export function readmeCodeBlock(heading: string): string {
  const readme = fs.readFileSync(path.resolve(__dirname, '../../../README.md'), 'utf8');
  const at = readme.indexOf(heading);
  if (at < 0) throw new Error(`README.md has no '${heading}'`);
  const block = /```ts\n([\s\S]*?)```/.exec(readme.slice(at));
  if (!block) throw new Error(`README.md has no ts block after '${heading}'`);
  return block[1];
}

describe('README example', () => {
  it('compresses a checkpoint dir with a custom clusterer swapped into the container', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'speechfold-readme-'));
    const cleanup: string[] = [];
    try {
      // Inside the package, so that its imports resolve as they would in a user's project.
      const module = path.resolve(__dirname, `../.readme-example-${process.pid}.tmp.ts`);
      fs.writeFileSync(module, readmeCodeBlock('## Using it from code'));
      cleanup.push(module);
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { compressWithModulo } = require(module) as { compressWithModulo: (i: string, o: string) => Promise<CompressionResult> };
      const input = path.join(root, 'hubert');
      await synthesize({ arch: 'hubert-tiny', outDir: input, seed: 4 });
      const result = await compressWithModulo(input, path.join(root, 'folded'));
      expect(result.groups.map((g) => [g.n, g.k, g.inertia])).toEqual([
        [64, 48, NaN],
        [64, 48, NaN],
      ]);
      expect(result.exportMode).toBe('hf');
      const source = await openCheckpoint(path.join(root, 'folded'));
      const w1 = source.info('hubert.encoder.layers.0.feed_forward.intermediate_dense.weight');
      expect(w1.shape).toEqual([48, 32]);
      // modulo clustering: folded row 0 is the mean of original rows 0 and 48
      const folded = await source.readFloat32(w1.name);
      await source.close();
      const original = await openCheckpoint(input);
      const rows = await original.readFloat32(w1.name);
      await original.close();
      for (let j = 0; j < 32; j++) expect(folded[j]).toBeCloseTo((rows[j] + rows[48 * 32 + j]) / 2, 6);
    } finally {
      for (const file of cleanup) fs.rmSync(file, { force: true });
      fs.rmSync(root, { recursive: true, force: true });
    }
  }, 60_000);
});
