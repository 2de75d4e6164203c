// Runs the README's "Using it from code" example as written there (keep the two in step).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ModelDirCompressor, TOKENS, type Clusterer, type ClusterResult, type Matrix } from '@speechfold/core';
import { loadEngine } from '@speechfold/engine-auto';
import { openCheckpoint } from '@speechfold/safetensors';
import { synthesize } from '@speechfold/synth';
import { createCompressionContainer, defaultAdapters } from './container';

/** Puts unit i in cluster i mod k: a stand-in for your own clustering. */
class ModuloClusterer implements Clusterer {
  readonly name = 'modulo';
  async cluster(features: Matrix, k: number): Promise<ClusterResult> {
    const labels = Int32Array.from({ length: features.rows }, (_, i) => i % k);
    return { labels, centroids: { data: new Float32Array(0), rows: 0, cols: 0 }, inertia: NaN, iterations: 0 };
  }
}

async function compressWithModulo(input: string, output: string) {
  const engine = await loadEngine('auto');
  const container = createCompressionContainer({ engine, adapters: defaultAdapters(), policy: 'uniform' });
  container.register(TOKENS.Clusterer, { useClass: ModuloClusterer });
  try {
    return await container.resolve(ModelDirCompressor).compress(input, output, {
      method: 'fold', sparsity: 0.25, kinds: ['ffn'], seed: 0, exportMode: 'auto',
    });
  } finally {
    await engine.dispose();
  }
}

describe('README example', () => {
  it('compresses a checkpoint dir with a custom clusterer swapped into the container', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'speechfold-readme-'));
    try {
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
      fs.rmSync(root, { recursive: true, force: true });
    }
  }, 60_000);
});
