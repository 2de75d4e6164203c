import fs from 'node:fs/promises';
import {
  checkOutputPath,
  exportLoaders,
  FormatError,
  missingParentDirs,
  ModelDirCompressor,
  OptionError,
  removeEmptyDirs,
  type Catalogue,
  type CompressionResult,
  type ProgressListener,
} from '@speechfold/core';
import {
  createCompressionContainer,
  defaultCatalogue,
  resolveSpec,
  type CompressionSpec,
  type FoldSettings,
  type SpecInput,
} from '@speechfold/presets';
import { commandAdapters } from '../adapters';
import { withEngine } from '../command-run';
import { readJson, writeJsonAtomic } from '../json-file';
import { parseCap, parseNumber, parseSwitch } from '../options';
import { versions } from '../version';

/** Options of `speechfold compress`, as commander parses them (absent: the spec file's, else the defaults). */
export interface CompressCommandOptions {
  out: string;
  spec?: string;
  method?: string;
  sparsity?: string;
  policy?: string;
  policyFile?: string;
  groups?: string;
  export?: string;
  seed?: string;
  engine: string;
  report?: string;
  force?: boolean;
  norm?: string;
  repair?: boolean;
  nInit?: string;
  clusterer?: string;
  cap?: string;
  features?: string;
  biasCorrection?: string;
  /** --adapter modules (repeatable): adapters tried before the built-in ones. */
  adapter?: string[];
}

/** The report `--report` writes (documented in the README). */
export interface CompressReport {
  input: string;
  output: string;
  /** The validated run spec: `--spec` of a later run with it repeats this one. */
  spec: CompressionSpec;
  method: string;
  /** The folding settings used (null for pruning methods). */
  fold: FoldSettings | null;
  policy: string;
  export: string | null;
  /** Who can load the export, in one sentence (the model card says the same). */
  loaders: string;
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
  /** What the user should know (also printed as warnings while it ran), e.g. an overshot sparsity. */
  warnings: string[];
}

/** The run spec of the command line: the --spec file's fields, then every flag given over them. */
export async function commandSpec(opts: CompressCommandOptions, catalogue: Catalogue): Promise<CompressionSpec> {
  const base = opts.spec === undefined ? {} : await readJson(opts.spec, 'run spec');
  if (typeof base !== 'object' || base === null || Array.isArray(base)) throw new FormatError({ file: opts.spec }, 'expected a JSON object (a run spec)');
  const flags: SpecInput = {
    method: opts.method,
    sparsity: parseNumber('--sparsity', opts.sparsity),
    policy: opts.policy,
    policyOptions: opts.policyFile === undefined ? undefined : await readJson(opts.policyFile, 'policy options'),
    groups: opts.groups,
    export: opts.export,
    seed: parseNumber('--seed', opts.seed),
    nInit: parseNumber('--n-init', opts.nInit),
    clusterer: opts.clusterer,
    cap: opts.cap === undefined ? undefined : parseCap(opts.cap),
    features: opts.features,
    biasCorrection: opts.biasCorrection === undefined ? undefined : parseSwitch('--bias-correction', opts.biasCorrection),
    repair: opts.repair === true ? true : undefined,
    norm: opts.norm as 'l1' | 'l2' | undefined,
  };
  const given = Object.fromEntries(Object.entries(flags).filter(([, v]) => v !== undefined));
  const spec = resolveSpec({ ...(base as Record<string, unknown>), ...given }, catalogue);
  if (spec.policy === 'explicit' && spec.policyOptions === null) {
    throw new OptionError('--policy-file', 'the explicit policy needs a --policy-file with its per-layer table');
  }
  return spec;
}

/** Checks every option before any work, then compresses and returns the report. */
export async function runCompress(
  input: string,
  opts: CompressCommandOptions,
  progress: ProgressListener,
  catalogue: Catalogue = defaultCatalogue(),
): Promise<CompressReport> {
  const started = Date.now();
  const spec = await commandSpec(opts, catalogue);
  const adapters = await commandAdapters(opts.adapter);
  catalogue.get('engine', opts.engine, '--engine'); // known, checked before any work like every option
  // Every path is checked before any work: no output may be, hold or sit inside an input.
  const inputs = [input, ...[opts.policyFile, opts.spec].filter((f): f is string => f !== undefined)];
  await checkOutputPath(opts.out, { option: '--out', inputs, kind: 'dir', force: opts.force === true });
  if (opts.report !== undefined) {
    await checkOutputPath(opts.report, { option: '--report', inputs: [...inputs, opts.out], kind: 'file' });
  }

  // Created by the compressor (mkdir -p) and so removed again if the report cannot be written.
  const createdParents = await missingParentDirs(opts.out);
  const made = versions();
  return withEngine(catalogue, opts.engine, progress, async (engine, engineChoice) => {
    const container = createCompressionContainer({ engine, adapters, spec, catalogue, progress });
    const result: CompressionResult = await container
      .resolve(ModelDirCompressor)
      .compress(input, opts.out, { force: opts.force === true, versions: made });
    const report: CompressReport = {
      input,
      output: opts.out,
      spec,
      method: spec.method,
      fold: spec.fold,
      policy: spec.policy,
      export: result.exportMode,
      loaders: exportLoaders(result.exportFormat),
      groups: result.groups,
      allocations: result.allocations,
      parameters: result.parameters,
      sparsity: { requested: spec.sparsity, ...result.sparsity },
      bytesSaved: !result.shapesKept,
      engine: engine.name,
      engineChoice,
      seed: spec.seed,
      seconds: (Date.now() - started) / 1000,
      versions: made,
      warnings: result.warnings,
    };
    if (opts.report !== undefined) {
      try {
        await writeJsonAtomic(opts.report, report);
      } catch (error) {
        // The command failed: leave nothing of it behind, the new output dir included.
        await fs.rm(opts.out, { recursive: true, force: true });
        await removeEmptyDirs(createdParents);
        throw error;
      }
    }
    return report;
  });
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
    `wrote ${r.output} (export ${r.export ?? 'none'}, model card README.md)` +
      (r.bytesSaved ? '' : ': original shapes kept, so this export saves no bytes'),
    `loads in ${r.loaders}`,
    // Printed as they came too, but a summary read alone (a log's last lines) must not hide them.
    ...r.warnings.map((w) => `warning: ${w}`),
  ];
  return lines.join('\n') + '\n';
}
