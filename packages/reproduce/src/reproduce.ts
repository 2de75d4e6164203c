import fs from 'node:fs/promises';
import path from 'node:path';
import {
  ModelDirCompressor,
  OptionError,
  numel,
  silentProgress,
  withPathErrors,
  type CompressionResult,
  type ProgressListener,
} from '@speechfold/core';
import { evaluate, loadRecognizer, type EvaluationReport } from '@speechfold/evaluate';
import { createCompressionContainer, defaultAdapters } from '@speechfold/presets';
import { openCheckpoint } from '@speechfold/safetensors';
import { SYNTHETIC_MARKER } from '@speechfold/synth';
import { checkCell, checkVariantReport, type StoredCell, type VariantReport } from './cell-schema';
import { readJson, writeAtomic } from './files';
import { cellFingerprint, modelFingerprint, runFingerprint, runInputs } from './fingerprint';
import { planVariants, splitName, variantSettings, type Variant } from './plan';
import { renderPlots } from './plots';
import { checkOutDir, openRun } from './run-record';
import { renderTable } from './table';
import type { CellResult, ReproduceOptions, ReproduceResult, VariantWidths } from './types';

/**
 * Compresses and evaluates every cell that is not done yet, then writes results.json, table.md and
 * the plots. Each compressed model and each evaluated cell is saved as soon as it is finished (atomic
 * writes), so a killed run resumes where it stopped.
 *
 * Every cell and model report carries the fingerprint of what produced it (fingerprint.ts) and
 * <out>/run.json records the run's inputs: a run into an --out that holds a run of other inputs is
 * refused (OptionError naming --out and what differs), or with `force` starts afresh. A cell or report
 * that is not JSON, fails its schema (cell-schema.ts) or has another fingerprint is named in a warning
 * and recomputed (with reportOnly: listed as missing).
 */
export async function reproduce(options: ReproduceOptions): Promise<ReproduceResult> {
  const progress = options.progress ?? silentProgress;
  if (options.data.length === 0) throw new OptionError('--data', 'expected at least one split dir');
  const splits = options.data.map(splitName);
  if (new Set(splits).size !== splits.length) throw new OptionError('--data', `split names must differ, got ${splits.join(', ')}`);
  for (const s of options.sparsities) {
    if (!(s > 0 && s < 1)) throw new OptionError('--sparsities', `expected numbers in (0, 1), got ${s}`);
  }
  await checkOutDir(options.out, [options.model, ...options.data]);
  const inputs = await runInputs(options);
  const modelsDir = path.join(options.out, 'models');
  const cellsDir = path.join(options.out, 'cells');
  await withPathErrors(options.out, 'create the results dir', () => fs.mkdir(options.out, { recursive: true }));
  await openRun({
    out: options.out,
    inputs,
    methods: options.methods,
    policies: options.policies,
    sparsities: options.sparsities,
    force: options.force === true,
    reportOnly: options.reportOnly === true,
    progress,
  });
  if (!options.reportOnly) {
    await withPathErrors(modelsDir, 'create', () => fs.mkdir(modelsDir, { recursive: true }));
    await withPathErrors(cellsDir, 'create', () => fs.mkdir(cellsDir, { recursive: true }));
  }
  const warn = (file: string, problem: string): void =>
    progress({ type: 'warning', message: `${file} ${problem}; ${options.reportOnly ? 'not used (listed as not computed)' : 'recomputing it'}` });

  const variants = planVariants(options.methods, options.policies, options.sparsities);
  const total = variants.length * splits.length;
  progress({ type: 'stage', stage: 'reproduce', total });
  const cells: CellResult[] = [];
  const widths: VariantWidths[] = [];
  let done = 0;
  const missing: string[] = [];
  for (const variant of variants) {
    const modelPrint = modelFingerprint(inputs, variant);
    let report = variant.method === 'baseline' ? null : await readVariantReport(modelsDir, variant, modelPrint, warn);
    const found: (CellResult | null)[] = [];
    for (const split of inputs.data) {
      found.push(await readCell(cellsDir, variant, split.split, cellFingerprint(inputs, variant, split), warn));
    }
    if (options.reportOnly) {
      if (variant.method !== 'baseline' && report === null) {
        missing.push(...splits.map((s) => `${variant.id}/${s}`));
        continue;
      }
      if (report !== null) widths.push(toWidths(variant, report));
      for (const [i, cell] of found.entries()) {
        if (cell === null) missing.push(`${variant.id}/${splits[i]}`);
        else cells.push(cell);
      }
      continue;
    }
    const needsModel = found.some((c) => c === null);
    let dir = variant.method === 'baseline' ? options.model : path.join(modelsDir, variant.id);
    if (variant.method !== 'baseline' && (report === null || (needsModel && !(await isDir(dir))))) {
      ({ dir, report } = await compressVariant(variant, options, modelsDir, modelPrint, progress));
    }
    if (report !== null) widths.push(toWidths(variant, report));
    let recognizer: Awaited<ReturnType<typeof loadRecognizer>> | null = null;
    for (const [i, data] of options.data.entries()) {
      const split = inputs.data[i]!;
      let cell = found[i]!;
      if (cell === null) {
        const parameters = report?.parameters ?? (await countParameters(options.model));
        recognizer ??= await loadRecognizer(dir, options.engine, { maxNewTokens: options.maxNewTokens });
        const started = Date.now();
        const evaluation: EvaluationReport = await evaluate(recognizer, { data, limit: options.limit });
        cell = toCell(variant, split.split, evaluation, parameters, (Date.now() - started) / 1000);
        const stored = { ...cell, fingerprint: cellFingerprint(inputs, variant, split), hypotheses: evaluation.utterances };
        await writeAtomic(cellFile(cellsDir, variant, split.split), JSON.stringify(stored, null, 2) + '\n');
      }
      cells.push(cell);
      done += 1;
      progress({ type: 'step', stage: 'reproduce', done, total, item: `${variant.id} ${split.split} WER ${(100 * cell.wer).toFixed(2)}%` });
    }
  }

  const result: ReproduceResult = {
    model: options.model,
    data: options.data,
    fingerprint: runFingerprint(inputs),
    syntheticWeights: await isSynthetic(options.model),
    kinds: options.kinds,
    seed: options.seed,
    limit: options.limit ?? null,
    maxNewTokens: options.maxNewTokens ?? null,
    cells,
    widths,
    missing,
    command: options.command ?? null,
  };
  await writeAtomic(path.join(options.out, 'results.json'), JSON.stringify(result, null, 2) + '\n');
  await writeAtomic(path.join(options.out, 'table.md'), renderTable(result));
  for (const [file, svg] of Object.entries(renderPlots(result))) await writeAtomic(path.join(options.out, file), svg);
  return result;
}

type Warn = (file: string, problem: string) => void;

function cellFile(cellsDir: string, variant: Variant, split: string): string {
  return path.join(cellsDir, `${variant.id}__${split}.json`);
}

/** The finished cell of `variant` on `split`, or null when there is none or it may not be used (warned). */
async function readCell(cellsDir: string, variant: Variant, split: string, fingerprint: string, warn: Warn): Promise<CellResult | null> {
  const file = cellFile(cellsDir, variant, split);
  const read = await readJson(file);
  if (read.kind === 'missing') return null;
  if (read.kind === 'bad') {
    warn(file, read.problem);
    return null;
  }
  const checked = checkCell(read.value, { variant: variant.id, split, fingerprint });
  if (!checked.ok) {
    warn(file, checked.problem.startsWith('was ') ? checked.problem : `does not match the cell schema: ${checked.problem}`);
    return null;
  }
  return toCellResult(checked.value);
}

/** The saved report of a compressed variant, or null when there is none or it may not be used (warned). */
async function readVariantReport(modelsDir: string, variant: Variant, fingerprint: string, warn: Warn): Promise<VariantReport | null> {
  const file = path.join(modelsDir, `${variant.id}.json`);
  const read = await readJson(file);
  if (read.kind === 'missing') return null;
  if (read.kind === 'bad') {
    warn(file, read.problem);
    return null;
  }
  const checked = checkVariantReport(read.value, fingerprint);
  if (!checked.ok) {
    warn(file, checked.problem.startsWith('was ') ? checked.problem : `does not match the model report schema: ${checked.problem}`);
    return null;
  }
  return checked.value;
}

/** Compresses the variant into models/<id> (removing any earlier or partial copy) and saves its report. */
async function compressVariant(
  variant: Variant,
  options: ReproduceOptions,
  modelsDir: string,
  fingerprint: string,
  progress: ProgressListener,
): Promise<{ dir: string; report: VariantReport }> {
  const settings = variantSettings(variant)!;
  const dir = path.join(modelsDir, variant.id);
  const reportFile = path.join(modelsDir, `${variant.id}.json`);
  // A report without its dir, a dir without its report (interrupted between the rename and the
  // report), one of other inputs, or a '<id>.speechfold-partial-*' dir of a killed compression: remove
  // them all and redo it. The report goes first, so a kill in between never leaves a report without its dir.
  await withPathErrors(reportFile, 'remove', () => fs.rm(reportFile, { force: true }));
  await withPathErrors(dir, 'remove', () => fs.rm(dir, { recursive: true, force: true }));
  for (const entry of await withPathErrors(modelsDir, 'list', () => fs.readdir(modelsDir))) {
    if (entry.startsWith(`${variant.id}.speechfold-partial-`)) {
      await withPathErrors(path.join(modelsDir, entry), 'remove', () => fs.rm(path.join(modelsDir, entry), { recursive: true, force: true }));
    }
  }
  const container = createCompressionContainer({
    engine: options.engine,
    adapters: defaultAdapters(),
    spec: { ...settings, groups: [...options.kinds], seed: options.seed },
    progress,
  });
  const result: CompressionResult = await container.resolve(ModelDirCompressor).compress(options.model, dir);
  const report: VariantReport = {
    parameters: result.parameters.after,
    groups: result.groups.map((g) => ({ name: g.name, kind: g.kind, n: g.n, k: g.k })),
    fingerprint,
  };
  await writeAtomic(reportFile, JSON.stringify(report, null, 2) + '\n');
  return { dir, report };
}

function toWidths(variant: Variant, report: VariantReport): VariantWidths {
  return { variant: variant.id, policy: variant.policy, sparsity: variant.sparsity, groups: report.groups };
}

async function isDir(p: string): Promise<boolean> {
  return (await fs.stat(p).catch(() => null))?.isDirectory() === true;
}

function toCell(variant: Variant, split: string, e: EvaluationReport, parameters: number, seconds: number): CellResult {
  return {
    variant: variant.id,
    method: variant.method,
    policy: variant.policy,
    sparsity: variant.sparsity,
    split,
    wer: e.wer,
    words: e.words,
    substitutions: e.substitutions,
    deletions: e.deletions,
    insertions: e.insertions,
    utterances: e.utterances.length,
    skipped: e.skipped.length,
    parameters,
    seconds,
  };
}

/** The CellResult fields of a stored cell (no fingerprint, no hypotheses). */
function toCellResult(c: StoredCell): CellResult {
  return {
    variant: c.variant,
    method: c.method,
    policy: c.policy,
    sparsity: c.sparsity,
    split: c.split,
    wer: c.wer,
    words: c.words,
    substitutions: c.substitutions,
    deletions: c.deletions,
    insertions: c.insertions,
    utterances: c.utterances,
    skipped: c.skipped,
    parameters: c.parameters,
    seconds: c.seconds,
  };
}

async function countParameters(dir: string): Promise<number> {
  const source = await openCheckpoint(dir);
  try {
    return source.list().reduce((s, t) => s + numel(t.shape), 0);
  } finally {
    await source.close();
  }
}

async function isSynthetic(dir: string): Promise<boolean> {
  return (await fs.stat(path.join(dir, SYNTHETIC_MARKER)).catch(() => null)) !== null;
}
