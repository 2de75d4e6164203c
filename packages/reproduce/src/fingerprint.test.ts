import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { OptionError, PathError, type ProgressEvent, type TensorEngine } from '@speechfold/core';
import { createOnnxruntimeEngine } from '@speechfold/engine-onnxruntime';
import { synthesize } from '@speechfold/synth';
import { checkCell } from './cell-schema';
import { canonicalJson, differences, runInputs } from './fingerprint';
import { reproduce } from './reproduce';
import type { ReproduceOptions } from './types';

// The resume path only reuses what this very command would compute (issue 11, defects 4, 5, 6, 12).
// One small run (hubert-tiny, magnitude at 50%, one split, one utterance: 2 cells) is made once and
// copied for each test, which then changes an input or damages a file and resumes it.

const SHARED = path.resolve(__dirname, '../../../test-data/LibriSpeech');
const DATA = path.join(SHARED, 'test-clean');
let root: string;
let engine: TensorEngine;
let modelA: string;
let modelB: string;
let base: string;

const BASELINE_CELL = 'cells/baseline__test-clean.json';
const MAGNITUDE_CELL = 'cells/magnitude-uniform-0.50__test-clean.json';
const MAGNITUDE_REPORT = 'models/magnitude-uniform-0.50.json';

function options(out: string, extra: Partial<ReproduceOptions> = {}): ReproduceOptions {
  return {
    model: modelA,
    data: [DATA],
    out,
    sparsities: [0.5],
    methods: ['magnitude'],
    policies: ['uniform'],
    kinds: ['ffn'],
    seed: 0,
    limit: 1,
    engine,
    ...extra,
  };
}

/** A copy of the finished base run. */
function copyOfBase(name: string): string {
  const out = path.join(root, name);
  fs.cpSync(base, out, { recursive: true });
  return out;
}

function warnings(): { messages: string[]; progress: (e: ProgressEvent) => void } {
  const messages: string[] = [];
  return { messages, progress: (e) => void (e.type === 'warning' && messages.push(e.message)) };
}

function mtimes(dir: string): Map<string, number> {
  return new Map(fs.readdirSync(dir).map((f) => [f, fs.statSync(path.join(dir, f)).mtimeMs]));
}

const readJson = (file: string): Record<string, unknown> => JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'speechfold-reproduce-fp-'));
  engine = await createOnnxruntimeEngine();
  modelA = path.join(root, 'model-a');
  modelB = path.join(root, 'model-b');
  // Same architecture, names, shapes and sizes; other weights.
  await synthesize({ arch: 'hubert-tiny', outDir: modelA, seed: 2 });
  await synthesize({ arch: 'hubert-tiny', outDir: modelB, seed: 3 });
  base = path.join(root, 'base');
  await reproduce(options(base));
}, 120_000);

afterAll(async () => {
  await engine.dispose();
  fs.rmSync(root, { recursive: true, force: true });
});

describe('fingerprints', () => {
  it('records the inputs in run.json and the fingerprint in every cell and model report', () => {
    const run = readJson(path.join(base, 'run.json')) as { fingerprint: string; inputs: { model: { files: Record<string, string> }; data: { split: string; files: number }[]; limit: number } };
    expect(run.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(Object.keys(run.inputs.model.files)).toEqual(expect.arrayContaining(['config.json', 'model.safetensors']));
    expect(run.inputs.data[0]).toMatchObject({ split: 'test-clean', kind: 'dir' });
    expect(run.inputs.data[0]!.files).toBeGreaterThan(10);
    expect(run.inputs.limit).toBe(1);
    for (const file of [BASELINE_CELL, MAGNITUDE_CELL, MAGNITUDE_REPORT]) expect(readJson(path.join(base, file)).fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(readJson(path.join(base, BASELINE_CELL)).fingerprint).not.toBe(readJson(path.join(base, MAGNITUDE_CELL)).fingerprint);
  });

  it('tells models of equal shapes and sizes apart, and names what differs', async () => {
    const a = await runInputs(options(base));
    const b = await runInputs(options(base, { model: modelB, limit: 2, seed: 1, kinds: ['ffn', 'heads'] }));
    expect(canonicalJson(await runInputs(options(base)))).toBe(canonicalJson(a));
    // model-b's synthetic marker records its other seed; a real fine-tune differs in model.safetensors only.
    expect(differences(a, b)).toEqual([
      'model files (model.safetensors changed, speechfold-synthetic.json changed)',
      '--limit (1 -> 2)',
      '--seed (0 -> 1)',
      '--groups (ffn -> ffn,heads)',
    ]);
  });
});

describe('defect 4: a run of other inputs into the same --out', () => {
  it('is refused, naming --out, what differs and --force, before touching anything', async () => {
    const out = copyOfBase('other-inputs');
    const before = mtimes(path.join(out, 'cells'));
    const refusal = (extra: Partial<ReproduceOptions>) => reproduce(options(out, extra));
    await expect(refusal({ model: modelB })).rejects.toThrow(OptionError);
    await expect(refusal({ model: modelB })).rejects.toThrow(/^option --out: '.*' holds a reproduce run of other inputs \(differs: model files \(model\.safetensors changed, speechfold-synthetic\.json changed\)\); pass --force to delete its cells and models and start afresh, or choose another --out$/);
    await expect(refusal({ limit: 2 })).rejects.toThrow(/differs: --limit \(1 -> 2\)/);
    await expect(refusal({ limit: undefined })).rejects.toThrow(/differs: --limit \(1 -> all\)/);
    await expect(refusal({ seed: 7 })).rejects.toThrow(/differs: --seed \(0 -> 7\)/);
    await expect(refusal({ maxNewTokens: 5 })).rejects.toThrow(/differs: --max-new-tokens \(all -> 5\)/);
    await expect(refusal({ kinds: ['heads'] })).rejects.toThrow(/differs: --groups \(ffn -> heads\)/);
    // --report-only would show the old numbers as this command's: refused too, even with force.
    await expect(refusal({ model: modelB, reportOnly: true, force: true })).rejects.toThrow(/its cells are not results of this command/);
    expect(mtimes(path.join(out, 'cells'))).toEqual(before);
    // Same inputs with one more sparsity is no mismatch: the finished cells are reused.
    const more = await reproduce(options(out, { sparsities: [0.5, 0.3], reportOnly: true }));
    expect(more.cells).toHaveLength(2);
    expect(more.missing).toEqual(['magnitude-uniform-0.30/test-clean']);
  });

  it('starts afresh with force, and the new run resumes', async () => {
    const out = copyOfBase('forced');
    fs.writeFileSync(path.join(out, 'notes.txt'), 'mine');
    const { messages, progress } = warnings();
    const result = await reproduce(options(out, { model: modelB, force: true, progress }));
    expect(messages).toEqual([expect.stringMatching(/^--force: removed the old run in .* \(it differed: model files \(model\.safetensors changed, speechfold-synthetic\.json changed\)\)$/)]);
    expect(result.cells).toHaveLength(2);
    expect(fs.readFileSync(path.join(out, 'notes.txt'), 'utf8')).toBe('mine'); // only the run's own files go
    const inputsB = await runInputs(options(out, { model: modelB }));
    expect((readJson(path.join(out, 'run.json')).inputs as { model: { files: unknown } }).model.files).toEqual(inputsB.model.files);
    for (const file of [BASELINE_CELL, MAGNITUDE_CELL, MAGNITUDE_REPORT]) {
      expect(readJson(path.join(out, file)).fingerprint).not.toBe(readJson(path.join(base, file)).fingerprint);
    }
    const cells = mtimes(path.join(out, 'cells'));
    const again = warnings();
    await reproduce(options(out, { model: modelB, progress: again.progress }));
    expect(again.messages).toEqual([]);
    expect(mtimes(path.join(out, 'cells'))).toEqual(cells);
  }, 60_000);

  it('recomputes a cell that another run computed (its own fingerprint differs)', async () => {
    const out = copyOfBase('copied-cells');
    fs.rmSync(path.join(out, 'run.json')); // no run-level record: only the cells' fingerprints can tell
    const { messages, progress } = warnings();
    const result = await reproduce(options(out, { limit: 2, progress }));
    expect(messages.sort()).toEqual([
      expect.stringMatching(/baseline__test-clean\.json was computed from other inputs .*; recomputing it$/),
      expect.stringMatching(/magnitude-uniform-0\.50__test-clean\.json was computed from other inputs .*; recomputing it$/),
    ]);
    expect(result.cells.map((c) => c.utterances)).toEqual([2, 2]);
    expect(readJson(path.join(out, BASELINE_CELL)).utterances).toBe(2);
  }, 60_000);
});

describe('defects 5 and 6: damaged cell and model report files', () => {
  it('recomputes a cell that is valid JSON but fails the schema, naming it', async () => {
    const out = copyOfBase('schema');
    fs.writeFileSync(path.join(out, BASELINE_CELL), '{}\n');
    const magnitude = readJson(path.join(out, MAGNITUDE_CELL));
    fs.writeFileSync(path.join(out, MAGNITUDE_CELL), JSON.stringify({ ...magnitude, wer: 'NaN' }));
    const { messages, progress } = warnings();
    const result = await reproduce(options(out, { progress }));
    expect(messages).toEqual([
      expect.stringMatching(/baseline__test-clean\.json does not match the cell schema: field 'variant': expected "baseline", got nothing; recomputing it$/),
      expect.stringMatching(/magnitude-uniform-0\.50__test-clean\.json does not match the cell schema: field 'wer': expected a finite number >= 0, got "NaN"; recomputing it$/),
    ]);
    for (const c of result.cells) expect(Number.isFinite(c.wer)).toBe(true);
    const table = fs.readFileSync(path.join(out, 'table.md'), 'utf8');
    expect(table).not.toMatch(/NaN|undefined/);
    expect(table).toMatch(/\| baseline \| - \| 0 \| [0-9.]+ M \| [0-9.]+ \| - \|/);
    for (const file of [BASELINE_CELL, MAGNITUDE_CELL]) {
      const cell = readJson(path.join(out, file));
      expect(checkCell(cell, { variant: String(cell.variant), split: 'test-clean', fingerprint: String(cell.fingerprint) }).ok).toBe(true);
    }
  }, 60_000);

  it('recomputes truncated or empty cells and model reports instead of failing with a SyntaxError', async () => {
    const out = copyOfBase('truncated');
    const text = fs.readFileSync(path.join(out, BASELINE_CELL), 'utf8');
    fs.writeFileSync(path.join(out, BASELINE_CELL), text.slice(0, text.length >> 1));
    fs.writeFileSync(path.join(out, MAGNITUDE_CELL), '');
    fs.writeFileSync(path.join(out, MAGNITUDE_REPORT), '');
    fs.writeFileSync(path.join(out, 'run.json'), '{"fingerprint": ');
    const { messages, progress } = warnings();
    const result = await reproduce(options(out, { progress }));
    expect(messages).toEqual([
      expect.stringMatching(/run\.json is not valid JSON \(truncated\?\).*; ignoring it/),
      expect.stringMatching(/baseline__test-clean\.json is not valid JSON \(truncated\?\).*; recomputing it$/),
      expect.stringMatching(/magnitude-uniform-0\.50\.json is empty \(truncated\?\); recomputing it$/),
      expect.stringMatching(/magnitude-uniform-0\.50__test-clean\.json is empty \(truncated\?\); recomputing it$/),
    ]);
    expect(result.cells).toHaveLength(2);
    expect(result.widths).toHaveLength(1);
    expect(readJson(path.join(out, MAGNITUDE_REPORT)).parameters).toBe(readJson(path.join(base, MAGNITUDE_REPORT)).parameters);
    expect(readJson(path.join(out, 'run.json')).fingerprint).toBe(readJson(path.join(base, 'run.json')).fingerprint);
  }, 60_000);

  it('with --report-only, lists a damaged cell as not computed', async () => {
    const out = copyOfBase('report-only');
    fs.writeFileSync(path.join(out, MAGNITUDE_CELL), '');
    const { messages, progress } = warnings();
    const result = await reproduce(options(out, { reportOnly: true, progress }));
    expect(messages).toEqual([expect.stringMatching(/magnitude-uniform-0\.50__test-clean\.json is empty \(truncated\?\); not used/)]);
    expect(result.missing).toEqual(['magnitude-uniform-0.50/test-clean']);
    expect(fs.readFileSync(path.join(out, MAGNITUDE_CELL), 'utf8')).toBe('');
  });
});

describe('defect 12: --out that is a file or an input', () => {
  it('refuses an existing file with a PathError before any work', async () => {
    const file = path.join(root, 'a-file');
    fs.writeFileSync(file, 'keep me');
    const run = reproduce(options(file));
    await expect(run).rejects.toThrow(PathError);
    await expect(reproduce(options(file))).rejects.toThrow(/a-file: exists and is not a directory; --out names the results dir/);
    expect(fs.readFileSync(file, 'utf8')).toBe('keep me');
  });

  it('refuses the model dir, a dir inside it, and a dir holding a data split', async () => {
    const listing = fs.readdirSync(modelA).sort();
    await expect(reproduce(options(modelA))).rejects.toThrow(/^option --out: '.*model-a' is the input/);
    await expect(reproduce(options(path.join(modelA, 'results')))).rejects.toThrow(/^option --out: .* is inside the input/);
    await expect(reproduce(options(SHARED))).rejects.toThrow(/^option --out: .* holds the input/);
    expect(fs.readdirSync(modelA).sort()).toEqual(listing);
  });

  it('names a missing model dir or data path', async () => {
    await expect(reproduce(options(path.join(root, 'x'), { model: path.join(root, 'none') }))).rejects.toThrow(/none: no such model dir/);
    await expect(reproduce(options(path.join(root, 'x'), { data: [path.join(root, 'test-none')] }))).rejects.toThrow(/test-none: no such data dir or list file/);
    expect(fs.existsSync(path.join(root, 'x'))).toBe(false);
  });
});
