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
import { cellFingerprint, modelFingerprint, runFingerprint, runInputs, type RunInputs } from './fingerprint';
import { planVariants, splitName, variantSettings, type Variant } from './plan';
import { renderPlots } from './plots';
import { checkOutDir, openRun } from './run-record';
import { renderTable } from './table';
import type { CellResult, ReproduceOptions, ReproduceResult, VariantWidths } from './types';

/** An opened reproduction: its checked options, recorded inputs, variants and dirs (openReproduction). */
export interface Reproduction {
  options: ReproduceOptions;
  inputs: RunInputs;
  variants: Variant[];
  splits: string[];
  modelsDir: string;
  cellsDir: string;
  progress: ProgressListener;
  warn: Warn;
}

/**
 * Checks the options and --out, records or checks the run's inputs (run.json) and creates the dirs:
 * what every way of computing a reproduction (here, or as queue jobs) starts from. `readOnly`: never
 * write run.json or create models/ and cells/ (--report-only, which still creates --out for its
 * table, and the workers of a queued run, whose run.json the enqueuing command wrote).
 */
export async function openReproduction(options: ReproduceOptions, readOnly = options.reportOnly === true): Promise<Reproduction> {
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
    reportOnly: readOnly,
    progress,
  });
  if (!readOnly) {
    await withPathErrors(modelsDir, 'create', () => fs.mkdir(modelsDir, { recursive: true }));
    await withPathErrors(cellsDir, 'create', () => fs.mkdir(cellsDir, { recursive: true }));
  }
  const warn = (file: string, problem: string): void =>
    progress({ type: 'warning', message: `${file} ${problem}; ${options.reportOnly ? 'not used (listed as not computed)' : 'recomputing it'}` });
  const variants = planVariants(options.methods, options.policies, options.sparsities);
  return { options, inputs, variants, splits, modelsDir, cellsDir, progress, warn };
}

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
  const run = await openReproduction(options);
  const { inputs, variants, splits, modelsDir, progress, warn } = run;
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
    for (const split of inputs.data) found.push(await readCell(run, variant, split.split));
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
      ({ dir, report } = await compressVariant(run, variant));
    }
    if (report !== null) widths.push(toWidths(variant, report));
    const recognizer: RecognizerSlot = { dir, loaded: null };
    for (const [i, stored] of found.entries()) {
      const cell = stored ?? (await evaluateCell(run, variant, i, recognizer, report));
      cells.push(cell);
      done += 1;
      progress({ type: 'step', stage: 'reproduce', done, total, item: `${variant.id} ${splits[i]} WER ${(100 * cell.wer).toFixed(2)}%` });
    }
  }
  return writeResults(run, cells, widths, missing);
}

/** Writes results.json, table.md and the plots of the given cells; returns results.json's content. */
async function writeResults(run: Reproduction, cells: CellResult[], widths: VariantWidths[], missing: string[]): Promise<ReproduceResult> {
  const { options, inputs } = run;
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

/** A variant's model dir and its recognizer, loaded once for all of its cells. */
interface RecognizerSlot {
  dir: string;
  loaded: Awaited<ReturnType<typeof loadRecognizer>> | null;
}

/** Evaluates `variant` on split `index`, saves the cell (atomically) and returns it. */
async function evaluateCell(
  run: Reproduction,
  variant: Variant,
  index: number,
  recognizer: RecognizerSlot,
  report: VariantReport | null,
): Promise<CellResult> {
  const { options, inputs } = run;
  const split = inputs.data[index]!;
  const parameters = report?.parameters ?? (await countParameters(options.model));
  recognizer.loaded ??= await loadRecognizer(recognizer.dir, options.engine, { maxNewTokens: options.maxNewTokens });
  const started = Date.now();
  const evaluation: EvaluationReport = await evaluate(recognizer.loaded, { data: options.data[index]!, limit: options.limit });
  const cell = toCell(variant, split.split, evaluation, parameters, (Date.now() - started) / 1000);
  const stored = { ...cell, fingerprint: cellFingerprint(inputs, variant, split), hypotheses: evaluation.utterances };
  await writeAtomic(cellFile(run.cellsDir, variant, split.split), JSON.stringify(stored, null, 2) + '\n');
  return cell;
}

/** What a reproduction still needs: the compressed models, and the cells whose model is ready. */
export interface PendingWork {
  /** Compressed variants whose model (or model report) is missing while some of their cells are. */
  models: { variant: Variant; fingerprint: string }[];
  /** Missing cells whose model is there (the baseline's always): [variant, split index]. */
  cells: { variant: Variant; split: number; fingerprint: string }[];
  /** Missing cells in all (those waiting for a model included). */
  missingCells: number;
}

/** The models and cells of a reproduction that are not done yet (read from its dir; computes nothing). */
export async function pendingWork(run: Reproduction): Promise<PendingWork> {
  const out: PendingWork = { models: [], cells: [], missingCells: 0 };
  for (const variant of run.variants) {
    const missing: number[] = [];
    for (const [i, split] of run.inputs.data.entries()) if ((await readCell(run, variant, split.split)) === null) missing.push(i);
    if (missing.length === 0) continue;
    out.missingCells += missing.length;
    if (variant.method !== 'baseline' && (await storedModel(run, variant)) === null) {
      out.models.push({ variant, fingerprint: modelFingerprint(run.inputs, variant) });
      continue;
    }
    for (const i of missing) out.cells.push({ variant, split: i, fingerprint: cellFingerprint(run.inputs, variant, run.inputs.data[i]!) });
  }
  return out;
}

/** A compressed variant's report (of these inputs) when it and its model dir are there, else null. */
async function storedModel(run: Reproduction, variant: Variant): Promise<VariantReport | null> {
  const report = await readVariantReport(run.modelsDir, variant, modelFingerprint(run.inputs, variant), run.warn);
  return report !== null && (await isDir(path.join(run.modelsDir, variant.id))) ? report : null;
}

/** The variant of a reproduction with this id; OptionError when there is none. */
function variantById(run: Reproduction, id: string): Variant {
  const variant = run.variants.find((v) => v.id === id);
  if (variant === undefined) throw new OptionError('variant', `no variant '${id}' in this reproduction (${run.variants.map((v) => v.id).join(', ')})`);
  return variant;
}

/** OptionError when a job's fingerprint is not the one these inputs give (another machine sees other files). */
function checkFingerprint(what: string, expected: string | undefined, actual: string): void {
  if (expected !== undefined && expected !== actual) {
    throw new OptionError(
      '--queue',
      `${what}: the job was made for other inputs than this machine sees (fingerprint ${expected.slice(0, 12)}, here ${actual.slice(0, 12)}); ` +
        'workers need the same model and data files at the same paths, and the same speechfold version',
    );
  }
}

/**
 * Compresses a variant's model unless it is there already (one queue job); returns whether it
 * compressed. Two calls for one variant must not run at once (the queue runs one job per model).
 * `fingerprint`: the one the job was made for (checked).
 */
export async function computeModel(run: Reproduction, variantId: string, fingerprint?: string): Promise<boolean> {
  const variant = variantById(run, variantId);
  checkFingerprint(`model ${variant.id}`, fingerprint, modelFingerprint(run.inputs, variant));
  if (variant.method === 'baseline' || (await storedModel(run, variant)) !== null) return false;
  await compressVariant(run, variant);
  return true;
}

/**
 * Evaluates one cell unless it is done already (one queue job); its model must be there. Returns
 * whether it evaluated. `fingerprint`: the one the job was made for (checked).
 */
export async function computeCell(run: Reproduction, variantId: string, split: number, fingerprint?: string): Promise<boolean> {
  const variant = variantById(run, variantId);
  if (!(split >= 0 && split < run.inputs.data.length)) throw new OptionError('split', `expected an index below ${run.inputs.data.length}, got ${split}`);
  checkFingerprint(`cell ${variant.id}/${run.splits[split]}`, fingerprint, cellFingerprint(run.inputs, variant, run.inputs.data[split]!));
  if ((await readCell(run, variant, run.inputs.data[split]!.split)) !== null) return false;
  let report: VariantReport | null = null;
  if (variant.method !== 'baseline') {
    report = await storedModel(run, variant);
    if (report === null) {
      throw new OptionError('variant', `the model of '${variant.id}' is not in ${run.modelsDir} yet (its compression job comes first)`);
    }
  }
  const dir = variant.method === 'baseline' ? run.options.model : path.join(run.modelsDir, variant.id);
  await evaluateCell(run, variant, split, { dir, loaded: null }, report);
  return true;
}

/** Writes results.json, table.md and the plots from the cells on disk (the end of a queued run). */
export async function reportReproduction(options: ReproduceOptions): Promise<ReproduceResult> {
  return reproduce({ ...options, reportOnly: true });
}

type Warn = (file: string, problem: string) => void;

function cellFile(cellsDir: string, variant: Variant, split: string): string {
  return path.join(cellsDir, `${variant.id}__${split}.json`);
}

/** The finished cell of `variant` on `split`, or null when there is none or it may not be used (warned). */
async function readCell(run: Reproduction, variant: Variant, split: string): Promise<CellResult | null> {
  const file = cellFile(run.cellsDir, variant, split);
  const identity = run.inputs.data.find((s) => s.split === split)!;
  const fingerprint = cellFingerprint(run.inputs, variant, identity);
  const read = await readJson(file);
  if (read.kind === 'missing') return null;
  if (read.kind === 'bad') {
    run.warn(file, read.problem);
    return null;
  }
  const checked = checkCell(read.value, { variant: variant.id, split, fingerprint });
  if (!checked.ok) {
    run.warn(file, checked.problem.startsWith('was ') ? checked.problem : `does not match the cell schema: ${checked.problem}`);
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
async function compressVariant(run: Reproduction, variant: Variant): Promise<{ dir: string; report: VariantReport }> {
  const { options, modelsDir, progress } = run;
  const fingerprint = modelFingerprint(run.inputs, variant);
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
