import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ProgressEvent, TensorEngine } from '@speechfold/core';
import { createOnnxruntimeEngine } from '@speechfold/engine-onnxruntime';
import { synthesize } from '@speechfold/synth';
import { reproduce } from './reproduce';
import type { ReproduceOptions } from './types';

const SHARED = path.resolve(__dirname, '../../../test-data/LibriSpeech');
let root: string;
let engine: TensorEngine;
let model: string;

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'speechfold-reproduce-'));
  engine = await createOnnxruntimeEngine();
  model = path.join(root, 'hubert');
  await synthesize({ arch: 'hubert-tiny', outDir: model, seed: 2 });
});

afterAll(async () => {
  await engine.dispose();
  fs.rmSync(root, { recursive: true, force: true });
});

function options(out: string, progress?: (e: ProgressEvent) => void): ReproduceOptions {
  return {
    model,
    data: [path.join(SHARED, 'test-clean'), path.join(SHARED, 'test-other')],
    out,
    sparsities: [0.1, 0.5],
    methods: ['kmeans', 'magnitude'],
    policies: ['uniform'],
    kinds: ['ffn'],
    seed: 0,
    limit: 1,
    engine,
    progress,
  };
}

function mtimes(dir: string): Map<string, number> {
  return new Map(fs.readdirSync(dir).map((f) => [f, fs.statSync(path.join(dir, f)).mtimeMs]));
}

describe('reproduce', () => {
  it('resumes after being killed mid-run without redoing finished cells', async () => {
    const out = path.join(root, 'resume');
    // "Kill" the run after its third cell: the progress listener throws, as an interrupted process stops.
    let steps = 0;
    const killer = (e: ProgressEvent) => {
      if (e.type === 'step' && e.stage === 'reproduce' && ++steps === 3) throw new Error('killed');
    };
    await expect(reproduce(options(out, killer))).rejects.toThrow('killed');
    const cellsDir = path.join(out, 'cells');
    const before = mtimes(cellsDir);
    expect([...before.keys()].sort()).toEqual([
      'baseline__test-clean.json',
      'baseline__test-other.json',
      'kmeans-uniform-0.10__test-clean.json',
    ]);
    expect(fs.existsSync(path.join(out, 'results.json'))).toBe(false);

    const result = await reproduce(options(out));
    const after = mtimes(cellsDir);
    // The 3 finished cells were not rewritten; 5 variants x 2 sets = 10 cells in all.
    for (const [file, mtime] of before) expect(after.get(file)).toBe(mtime);
    expect(after.size).toBe(10);
    expect(result.cells).toHaveLength(10);
    expect(result.syntheticWeights).toBe(true);

    const table = fs.readFileSync(path.join(out, 'table.md'), 'utf8');
    expect(table).toContain('The weights are random');
    expect(table).toMatch(/\| kmeans \| uniform \| 50% \|/);
    expect(table).toMatch(/\| magnitude \| uniform \| 10% \|/);
    for (const svg of ['wer-test-clean.svg', 'wer-test-other.svg', 'widths.svg']) {
      const text = fs.readFileSync(path.join(out, svg), 'utf8');
      expect(text.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
      expect(text.trim().endsWith('</svg>')).toBe(true);
      expect((text.match(/<polyline /g) ?? []).length).toBeGreaterThan(0);
    }
    // A third run recomputes nothing: every cell file keeps its time.
    await reproduce(options(out));
    expect(mtimes(cellsDir)).toEqual(after);
    // reportOnly with a sparsity never run computes nothing and lists the missing cells.
    const partial = await reproduce({ ...options(out), sparsities: [0.1, 0.3, 0.5], reportOnly: true });
    expect(mtimes(cellsDir)).toEqual(after);
    expect(partial.cells).toHaveLength(10);
    expect(partial.missing).toEqual([
      'kmeans-uniform-0.30/test-clean',
      'kmeans-uniform-0.30/test-other',
      'magnitude-uniform-0.30/test-clean',
      'magnitude-uniform-0.30/test-other',
    ]);
    expect(fs.readFileSync(path.join(out, 'table.md'), 'utf8')).toContain('Not computed: kmeans-uniform-0.30/test-clean');
  }, 120_000);

  it('records parameters that shrink with sparsity and the same K for both methods', async () => {
    const out = path.join(root, 'params');
    const r = await reproduce({ ...options(out), data: [path.join(SHARED, 'test-clean')] });
    const params = (id: string) => r.cells.find((c) => c.variant === id)!.parameters;
    expect(params('kmeans-uniform-0.10')).toBeLessThan(params('baseline'));
    expect(params('kmeans-uniform-0.50')).toBeLessThan(params('kmeans-uniform-0.10'));
    expect(params('magnitude-uniform-0.50')).toBe(params('kmeans-uniform-0.50'));
  }, 120_000);
});
