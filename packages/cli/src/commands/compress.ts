import fs from 'node:fs/promises';
import os from 'node:os';
import {
  checkOutputPath,
  FormatError,
  ModelDirCompressor,
  OptionError,
  PathError,
  type CompressionResult,
  type ProgressListener,
} from '@speechfold/core';
import { loadEngine, parseEngineId } from '@speechfold/engine-auto';
import {
  createCompressionContainer,
  defaultAdapters,
  methodFoldSettings,
  parseCap,
  parseClusterer,
  parseFeatures,
  parseMethod,
  parseSwitch,
  pipelineMethod,
  type FoldSettings,
} from '@speechfold/presets';
import { isPolicyName, POLICIES } from '@speechfold/sparsity';
import { writeJsonAtomic } from '../json-file';

/** Options of `speechfold compress`, as commander parses them. */
export interface CompressCommandOptions {
  out: string;
  method: string;
  sparsity: string;
  policy: string;
  policyFile?: string;
  groups: string;
  export: string;
  seed: string;
  engine: string;
  report?: string;
  force?: boolean;
  norm: string;
  repair?: boolean;
  nInit: string;
  /** Folding settings over the method's recipe (undefined: the recipe's). */
  clusterer?: string;
  cap?: string;
  features?: string;
  biasCorrection?: string;
}

/** The report `--report` writes (documented in the README). */
export interface CompressReport {
  input: string;
  output: string;
  method: string;
  /** The folding settings used (null for pruning methods). */
  fold: FoldSettings | null;
  policy: string;
  export: string | null;
  groups: { name: string; kind: string; stack: string; layer: number; n: number; k: number; inertia: number | null; seconds: number }[];
  allocations: { group: string; n: number; k: number; detail?: Record<string, number> }[];
  parameters: { before: number; after: number; targetedBefore: number; targetedAfter: number };
  sparsity: { requested: number; targeted: number; overall: number };
  bytesSaved: boolean;
  engine: string;
  /** Why this engine: e.g. "engine onnxruntime (fastest that loads; tfjs-node skipped: ...)". */
  engineChoice: string;
  seed: number;
  seconds: number;
  versions: Record<string, string>;
}

const EXPORTS = ['auto', 'hf', 'extended', 'dense'];

function parseNumber(option: string, value: string, check: (x: number) => boolean, expected: string): number {
  const x = Number(value);
  if (value.trim() === '' || !Number.isFinite(x) || !check(x)) throw new OptionError(option, `expected ${expected}, got '${value}'`);
  return x;
}

async function readPolicyFile(file: string | undefined): Promise<unknown> {
  if (file === undefined) return undefined;
  const text = await fs.readFile(file, 'utf8').catch((cause) => {
    throw new PathError(file, `cannot read the policy file: ${(cause as Error).message}`);
  });
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new FormatError({ file }, `expected JSON policy options: ${(cause as Error).message}`);
  }
}

/** Checks every option before any work, then compresses and returns the report. */
export async function runCompress(
  input: string,
  opts: CompressCommandOptions,
  progress: ProgressListener,
): Promise<CompressReport> {
  const started = Date.now();
  const method = parseMethod(opts.method);
  const sparsity = parseNumber('--sparsity', opts.sparsity, (x) => x >= 0 && x < 1, 'a number in [0, 1)');
  const seed = parseNumber('--seed', opts.seed, (x) => Number.isSafeInteger(x) && x >= 0, 'a non-negative integer');
  const nInit = parseNumber('--n-init', opts.nInit, (x) => Number.isSafeInteger(x) && x >= 1, 'a positive integer');
  if (!isPolicyName(opts.policy)) {
    throw new OptionError('--policy', `unknown policy '${opts.policy}'; choose one of: ${POLICIES.join(', ')}`);
  }
  if (opts.policy === 'explicit' && opts.policyFile === undefined) {
    throw new OptionError('--policy-file', 'the explicit policy needs a --policy-file with its per-layer table');
  }
  if (!EXPORTS.includes(opts.export)) {
    throw new OptionError('--export', `unknown export '${opts.export}'; choose one of: ${EXPORTS.join(', ')}`);
  }
  if (opts.norm !== 'l1' && opts.norm !== 'l2') throw new OptionError('--norm', `expected l1 or l2, got '${opts.norm}'`);
  const fold = methodFoldSettings(method, {
    clusterer: opts.clusterer === undefined ? undefined : parseClusterer(opts.clusterer),
    cap: opts.cap === undefined ? undefined : parseCap(opts.cap),
    features: opts.features === undefined ? undefined : parseFeatures(opts.features),
    biasCorrection: opts.biasCorrection === undefined ? undefined : parseSwitch('--bias-correction', opts.biasCorrection),
    repair: opts.repair === true ? true : undefined,
  });
  const folding = pipelineMethod(method) === 'fold';
  const kinds = opts.groups.split(',').map((k) => k.trim()).filter(Boolean);
  const engineId = parseEngineId(opts.engine);
  const policyOptions = await readPolicyFile(opts.policyFile);
  // Every path is checked before any work: no output may be, hold or sit inside an input.
  const inputs = opts.policyFile === undefined ? [input] : [input, opts.policyFile];
  await checkOutputPath(opts.out, { option: '--out', inputs, kind: 'dir', force: opts.force === true });
  if (opts.report !== undefined) {
    await checkOutputPath(opts.report, { option: '--report', inputs: [...inputs, opts.out], kind: 'file' });
  }

  // The engine choice goes into the summary and report, not the progress stream, so that a refused
  // input prints exactly one line.
  const engineNotes: string[] = [];
  const engine = await loadEngine(engineId, (e) => (e.type === 'info' ? void engineNotes.push(e.message) : progress(e)));
  try {
    const container = createCompressionContainer({
      engine,
      adapters: defaultAdapters(),
      method,
      fold,
      policy: opts.policy,
      policyOptions,
      norm: opts.norm,
      dense: opts.export === 'dense',
      progress,
    });
    const result: CompressionResult = await container.resolve(ModelDirCompressor).compress(input, opts.out, {
      method: pipelineMethod(method),
      sparsity,
      kinds,
      seed,
      nInit,
      repair: folding && fold.repair,
      biasCorrection: folding && fold.biasCorrection,
      exportMode: opts.export,
      force: opts.force === true,
    });
    const report: CompressReport = {
      input,
      output: opts.out,
      method,
      fold: folding ? fold : null,
      policy: opts.policy,
      export: result.exportMode,
      groups: result.groups,
      allocations: result.allocations,
      parameters: result.parameters,
      sparsity: { requested: sparsity, ...result.sparsity },
      bytesSaved: !result.shapesKept,
      engine: engine.name,
      engineChoice: engineNotes.join('; ') || `engine ${engine.name}`,
      seed,
      seconds: (Date.now() - started) / 1000,
      versions: versions(),
    };
    if (opts.report !== undefined) {
      try {
        await writeJsonAtomic(opts.report, report);
      } catch (error) {
        // The command failed: leave nothing of it behind, the new output dir included.
        await fs.rm(opts.out, { recursive: true, force: true });
        throw error;
      }
    }
    return report;
  } finally {
    await engine.dispose();
  }
}

function versions(): Record<string, string> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const own = require('../../package.json') as { version: string };
  return { speechfold: own.version, node: process.version, platform: `${os.platform()}-${os.arch()}` };
}

/** A short human summary of a report. */
export function formatCompressSummary(r: CompressReport): string {
  const pct = (x: number): string => `${(100 * x).toFixed(2)}%`;
  const n = (x: number): string => x.toLocaleString('en-US');
  const settings =
    r.fold === null
      ? ''
      : ` (${r.fold.clusterer}${r.fold.clusterer === 'capped' ? ` cap ${r.fold.cap}` : ''}, ${r.fold.features} features` +
        `${r.fold.biasCorrection ? ', bias correction' : ''}${r.fold.repair ? ', Fold-AR' : ''})`;
  const lines = [
    `${r.method}${settings} ${r.policy} at ${pct(r.sparsity.requested)}: ${r.groups.length} groups in ${r.seconds.toFixed(1)} s`,
    r.engineChoice,
    `parameters ${n(r.parameters.before)} -> ${n(r.parameters.after)} ` +
      `(targeted ${pct(r.sparsity.targeted)} removed, whole model ${pct(r.sparsity.overall)})`,
    `wrote ${r.output} (export ${r.export ?? 'none'})` +
      (r.bytesSaved ? '' : ': original shapes kept, so this export saves no bytes'),
  ];
  return lines.join('\n') + '\n';
}
