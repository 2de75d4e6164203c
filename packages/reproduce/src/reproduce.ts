import fs from 'node:fs/promises';
import path from 'node:path';
import {
  ModelDirCompressor,
  OptionError,
  numel,
  silentProgress,
  type CompressionResult,
  type ProgressListener,
  type TensorEngine,
} from '@speechfold/core';
import { evaluate, loadRecognizer, type EvaluationReport } from '@speechfold/evaluate';
import { createCompressionContainer, defaultAdapters, methodFoldSettings, pipelineMethod, type MethodName } from '@speechfold/presets';
import { openCheckpoint } from '@speechfold/safetensors';
import { SYNTHETIC_MARKER } from '@speechfold/synth';
import type { PolicyName } from '@speechfold/sparsity';
import { readJsonIfExists, writeAtomic } from './files';
import { planVariants, splitName, type Variant } from './plan';
import { renderPlots } from './plots';
import { renderTable } from './table';

/** What to reproduce. */
export interface ReproduceOptions {
  model: string;
  /** Split dirs (or list files) to evaluate on. */
  data: string[];
  /** Output dir: models/, cells/, results.json, table.md, *.svg. Reused to resume. */
  out: string;
  sparsities: number[];
  methods: MethodName[];
  policies: PolicyName[];
  kinds: string[];
  seed: number;
  limit?: number;
  maxNewTokens?: number;
  /** The command line, recorded in table.md. */
  command?: string;
  /** Compute nothing: write the table and plots from the cells already finished (missing ones are listed). */
  reportOnly?: boolean;
  engine: TensorEngine;
  progress?: ProgressListener;
}

/** One evaluated cell: a variant on a split. */
export interface CellResult {
  variant: string;
  method: string;
  policy: string | null;
  sparsity: number;
  split: string;
  wer: number;
  words: number;
  substitutions: number;
  deletions: number;
  insertions: number;
  utterances: number;
  skipped: number;
  parameters: number;
  seconds: number;
}

/** Kept units per group of a compressed variant (for the width plot). */
export interface VariantWidths {
  variant: string;
  policy: string | null;
  sparsity: number;
  groups: { name: string; kind: string; n: number; k: number }[];
}

/** results.json. */
export interface ReproduceResult {
  model: string;
  data: string[];
  /** True when the model is a synthetic checkpoint (random weights): its WERs mean nothing. */
  syntheticWeights: boolean;
  kinds: string[];
  seed: number;
  limit: number | null;
  maxNewTokens: number | null;
  cells: CellResult[];
  widths: VariantWidths[];
  /** Cells not computed (only with reportOnly), as 'variant/split'. */
  missing: string[];
  command: string | null;
}

/** A compressed variant's saved report (models/<id>.json), written after its dir is complete. */
interface VariantReport {
  parameters: number;
  groups: VariantWidths['groups'];
}

/**
 * Compresses and evaluates every cell that is not done yet, then writes results.json, table.md and
 * the plots. Each compressed model and each evaluated cell is saved as soon as it is finished (atomic
 * writes), so a killed run resumes where it stopped.
 */
export async function reproduce(options: ReproduceOptions): Promise<ReproduceResult> {
  const progress = options.progress ?? silentProgress;
  if (options.data.length === 0) throw new OptionError('--data', 'expected at least one split dir');
  const splits = options.data.map(splitName);
  if (new Set(splits).size !== splits.length) throw new OptionError('--data', `split names must differ, got ${splits.join(', ')}`);
  for (const s of options.sparsities) {
    if (!(s > 0 && s < 1)) throw new OptionError('--sparsities', `expected numbers in (0, 1), got ${s}`);
  }
  const modelsDir = path.join(options.out, 'models');
  const cellsDir = path.join(options.out, 'cells');
  await fs.mkdir(modelsDir, { recursive: true });
  await fs.mkdir(cellsDir, { recursive: true });

  const variants = planVariants(options.methods, options.policies, options.sparsities);
  const total = variants.length * splits.length;
  progress({ type: 'stage', stage: 'reproduce', total });
  const cells: CellResult[] = [];
  const widths: VariantWidths[] = [];
  let done = 0;
  const missing: string[] = [];
  for (const variant of variants) {
    if (options.reportOnly) {
      const finished = await finishedCells(variant, splits, modelsDir, cellsDir);
      if (finished === null) missing.push(...splits.map((s) => `${variant.id}/${s}`));
      else {
        cells.push(...finished.cells);
        if (finished.widths) widths.push(finished.widths);
        missing.push(...splits.filter((s) => !finished.cells.some((c) => c.split === s)).map((s) => `${variant.id}/${s}`));
      }
      continue;
    }
    const { dir, report } = await ensureModel(variant, options, modelsDir, progress);
    if (variant.method !== 'baseline') widths.push({ variant: variant.id, policy: variant.policy, sparsity: variant.sparsity, groups: report.groups });
    let recognizer: Awaited<ReturnType<typeof loadRecognizer>> | null = null;
    for (const [i, data] of options.data.entries()) {
      const cellFile = path.join(cellsDir, `${variant.id}__${splits[i]}.json`);
      let cell = await readJsonIfExists<CellResult>(cellFile);
      if (cell === null) {
        recognizer ??= await loadRecognizer(dir, options.engine, { maxNewTokens: options.maxNewTokens });
        const started = Date.now();
        const evaluation: EvaluationReport = await evaluate(recognizer, { data, limit: options.limit });
        cell = toCell(variant, splits[i], evaluation, report.parameters, (Date.now() - started) / 1000);
        await writeAtomic(cellFile, JSON.stringify({ ...cell, hypotheses: evaluation.utterances }, null, 2) + '\n');
      }
      cells.push(stripHypotheses(cell));
      done += 1;
      progress({ type: 'step', stage: 'reproduce', done, total, item: `${variant.id} ${splits[i]} WER ${(100 * cell.wer).toFixed(2)}%` });
    }
  }

  const result: ReproduceResult = {
    model: options.model,
    data: options.data,
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

/** The variant's model dir, compressing it first unless a finished copy (with its report) exists. */
async function ensureModel(
  variant: Variant,
  options: ReproduceOptions,
  modelsDir: string,
  progress: ProgressListener,
): Promise<{ dir: string; report: VariantReport }> {
  if (variant.method === 'baseline') return { dir: options.model, report: { parameters: await countParameters(options.model), groups: [] } };
  const dir = path.join(modelsDir, variant.id);
  const reportFile = path.join(modelsDir, `${variant.id}.json`);
  const saved = await readJsonIfExists<VariantReport>(reportFile);
  if (saved !== null) return { dir, report: saved };
  // A dir without its report was interrupted between the rename and the report, and a
  // '<id>.speechfold-partial-*' dir is a compression that was killed: remove both and redo it.
  await fs.rm(dir, { recursive: true, force: true });
  for (const entry of await fs.readdir(modelsDir)) {
    if (entry.startsWith(`${variant.id}.speechfold-partial-`)) await fs.rm(path.join(modelsDir, entry), { recursive: true, force: true });
  }
  const container = createCompressionContainer({
    engine: options.engine,
    adapters: defaultAdapters(),
    method: variant.method as MethodName,
    policy: variant.policy as PolicyName,
    progress,
  });
  const fold = methodFoldSettings(variant.method as MethodName);
  const result: CompressionResult = await container.resolve(ModelDirCompressor).compress(options.model, dir, {
    method: pipelineMethod(variant.method as MethodName),
    repair: fold.repair,
    biasCorrection: fold.biasCorrection,
    sparsity: variant.sparsity,
    kinds: options.kinds,
    seed: options.seed,
    exportMode: 'auto',
  });
  const report: VariantReport = {
    parameters: result.parameters.after,
    groups: result.groups.map((g) => ({ name: g.name, kind: g.kind, n: g.n, k: g.k })),
  };
  await writeAtomic(reportFile, JSON.stringify(report, null, 2) + '\n');
  return { dir, report };
}

/** The finished cells of a variant (reportOnly), or null when its model was never compressed. */
async function finishedCells(
  variant: Variant,
  splits: string[],
  modelsDir: string,
  cellsDir: string,
): Promise<{ cells: CellResult[]; widths: VariantWidths | null } | null> {
  let widths: VariantWidths | null = null;
  if (variant.method !== 'baseline') {
    const report = await readJsonIfExists<VariantReport>(path.join(modelsDir, `${variant.id}.json`));
    if (report === null) return null;
    widths = { variant: variant.id, policy: variant.policy, sparsity: variant.sparsity, groups: report.groups };
  }
  const cells: CellResult[] = [];
  for (const split of splits) {
    const cell = await readJsonIfExists<CellResult>(path.join(cellsDir, `${variant.id}__${split}.json`));
    if (cell !== null) cells.push(stripHypotheses(cell));
  }
  return { cells, widths };
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

function stripHypotheses(cell: CellResult & { hypotheses?: unknown }): CellResult {
  const { hypotheses: _dropped, ...rest } = cell;
  return rest;
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
