import fs from 'node:fs/promises';
import path from 'node:path';
import { inject, injectable } from 'tsyringe';
import { FormatError, PathError } from './errors';
import { checkOutputPath, withPathErrors } from './output-path';
import { createPartialDir, removeStalePartialDirs } from './partial-dirs';
import type { TensorSourceFactory, TensorSinkFactory } from './factories';
import type { TensorSource } from './io';
import type { ModelDescription } from './method';
import { renderModelCard, SOURCE_README } from './model-card';
import { Pipeline, type CompressionResult, type RunOptions } from './pipeline';
import type { ProgressListener } from './progress';
import { TOKENS } from './tokens';

/** Weight files of other formats: never copied, since they would hold the uncompressed model. */
const WEIGHT_FILE = /(\.safetensors|\.bin|\.pt|\.pth|\.ckpt|\.h5|\.msgpack|\.onnx|\.safetensors\.index\.json|\.bin\.index\.json)$/;

/** Where to write; what to do is the container's RunOptions and ExportFormat (one run spec). */
export interface ModelDirOptions {
  /** Replace an existing output dir (never the input). */
  force?: boolean;
  /** Versions the model card names as its maker (default: @speechfold/core's). */
  versions?: Readonly<Record<string, string>>;
}

/** Marker file of a synthetic checkpoint (@speechfold/synth writes it as SYNTHETIC_MARKER): its weights are random. */
export const SYNTHETIC_MARKER_FILE = 'speechfold-synthetic.json';

/** True when `dir` holds a synthetic checkpoint (its SYNTHETIC_MARKER_FILE). */
export async function isSyntheticModelDir(dir: string): Promise<boolean> {
  return (await fs.stat(path.join(dir, SYNTHETIC_MARKER_FILE)).catch(() => null)) !== null;
}

/** True when `p` looks like a Hugging Face hub id (owner/name) rather than a local path. */
export function looksLikeHubId(p: string): boolean {
  return /^[\w.-]+\/[\w.-]+$/.test(p) && !p.startsWith('.');
}

/**
 * The PathError for a model path that does not exist: with a word for hub ids (nothing is ever
 * downloaded), shared by every command that takes a model (compress, inspect, eval...).
 */
export function missingModelPathError(p: string): PathError {
  return new PathError(
    p,
    looksLikeHubId(p)
      ? 'no such dir; it looks like a hub id, and speechfold never downloads: pass a local checkpoint dir'
      : 'no such file or directory',
  );
}

/** Reads a model dir's config.json and tensor table. */
export async function describeModelDir(dir: string, sources: TensorSourceFactory): Promise<ModelDescription> {
  await checkModelDir(dir);
  const configPath = path.join(dir, 'config.json');
  let config: unknown;
  try {
    config = JSON.parse(await fs.readFile(configPath, 'utf8'));
  } catch (cause) {
    throw new FormatError({ file: configPath }, `expected a JSON object: ${(cause as Error).message}`);
  }
  if (typeof config !== 'object' || config === null || Array.isArray(config)) {
    throw new FormatError({ file: configPath }, 'expected a JSON object');
  }
  const source = await sources.open(dir);
  try {
    return { config: config as Record<string, unknown>, tensors: source.list() };
  } finally {
    await source.close();
  }
}

/** Refuses a path that is not a local model dir, with a word for hub ids (nothing is ever downloaded). */
export async function checkModelDir(dir: string): Promise<void> {
  const stat = await fs.stat(dir).catch(() => null);
  if (!stat) throw missingModelPathError(dir);
  if (!stat.isDirectory()) throw new PathError(dir, 'expected a model dir (config.json + model.safetensors)');
  const config = await fs.stat(path.join(dir, 'config.json')).catch(() => null);
  if (!config) throw new PathError(dir, 'not a model dir: expected a config.json in it');
}

/**
 * Compresses a checkpoint dir into a new one: tensors through the Pipeline, config.json rewritten by
 * the adapter, the other files (tokenizer, preprocessor, generation config) copied unchanged, and a
 * model card written as README.md (the source's own README.md is kept as README.source.md).
 * Everything is written to a temp dir beside the output (its missing parent dirs created first) and
 * renamed into place at the end, so a run that fails part-way leaves no output dir; the input is never
 * written.
 */
@injectable()
export class ModelDirCompressor {
  constructor(
    @inject(Pipeline) private readonly pipeline: Pipeline,
    @inject(TOKENS.TensorSourceFactory) private readonly sources: TensorSourceFactory,
    @inject(TOKENS.TensorSinkFactory) private readonly sinks: TensorSinkFactory,
    @inject(TOKENS.ProgressListener) private readonly progress: ProgressListener,
    @inject(TOKENS.RunOptions) private readonly run: RunOptions,
    @inject(TOKENS.RunSpec, { isOptional: true }) private readonly spec?: Readonly<Record<string, unknown>>,
  ) {}

  /** Runs the compression of `input` into `output`. */
  async compress(input: string, output: string, options: ModelDirOptions = {}): Promise<CompressionResult> {
    const model = await describeModelDir(input, this.sources);
    await checkOutputPath(output, { option: '--out', inputs: [input], kind: 'dir', force: options.force === true });
    for (const stale of await removeStalePartialDirs(output)) {
      this.progress({ type: 'info', message: `removed ${stale}, left by a run that was killed` });
    }
    const partial = await createPartialDir(output);
    const temp = partial.dir;
    let source: TensorSource | null = null;
    try {
      source = await this.sources.open(input);
      // HF's loaders read `format` from the metadata (older transformers refuse a file without it).
      const metadata = { ...source.metadata(), format: source.metadata().format ?? 'pt' };
      const sink = await this.sinks.create(temp, { protectedPaths: [path.resolve(input)], metadata });
      let result: CompressionResult;
      try {
        result = await this.pipeline.run(model, source, sink);
        await sink.commit();
      } catch (error) {
        await sink.abort();
        throw error;
      }
      await writeJson(path.join(temp, 'config.json'), result.config ?? model.config);
      const sourceReadme = await copyOtherFiles(input, temp);
      const card = renderModelCard({
        input,
        output,
        config: model.config,
        result,
        run: this.run,
        spec: this.spec ?? null,
        versions: options.versions ?? { '@speechfold/core': coreVersion() },
        sourceReadme,
        synthetic: await isSyntheticModelDir(input),
      });
      await withPathErrors(path.join(temp, 'README.md'), 'write the model card', () => fs.writeFile(path.join(temp, 'README.md'), card));
      await withPathErrors(output, 'move the finished output into place', () => moveIntoPlace(temp, output, options.force === true));
      return result;
    } catch (error) {
      await partial.discard();
      throw error;
    } finally {
      partial.release();
      await source?.close();
    }
  }
}

async function writeJson(file: string, value: unknown): Promise<void> {
  await withPathErrors(file, 'write', () => fs.writeFile(file, JSON.stringify(value, null, 2) + '\n'));
}

/**
 * Copies the model dir's files other than weights and config.json. Symlinks are followed (the
 * Hugging Face cache's snapshots/<rev>/ holds nothing else) and their targets copied as plain files.
 * README.md is the model card's name: the source's is copied as README.source.md (or, when the source
 * has that too, e.g. a model compressed twice, README.source.1.md, ...). Returns that name, or null.
 */
async function copyOtherFiles(input: string, output: string): Promise<string | null> {
  const files: string[] = [];
  for (const entry of await withPathErrors(input, 'list', () => fs.readdir(input, { withFileTypes: true }))) {
    if (entry.name === 'config.json' || WEIGHT_FILE.test(entry.name)) continue;
    const from = path.join(input, entry.name);
    const isFile = entry.isFile() || (entry.isSymbolicLink() && (await fs.stat(from).catch(() => null))?.isFile() === true);
    if (isFile) files.push(entry.name);
  }
  let readme: string | null = null;
  if (files.includes('README.md')) {
    readme = SOURCE_README;
    for (let i = 1; files.includes(readme); i++) readme = SOURCE_README.replace(/\.md$/, `.${i}.md`);
  }
  for (const name of files) {
    const from = path.join(input, name);
    const to = path.join(output, name === 'README.md' ? readme! : name);
    await withPathErrors(to, `write (a copy of ${from})`, () => fs.copyFile(from, to));
  }
  return readme;
}

/** @speechfold/core's version (the model card's maker when the caller names none). */
function coreVersion(): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require('../package.json') as { version: string }).version;
}

/** Renames the finished temp dir to the output; an old output (with --force) is removed only after. */
async function moveIntoPlace(temp: string, output: string, force: boolean): Promise<void> {
  const exists = await fs.stat(output).catch(() => null);
  if (!exists) {
    await fs.rename(temp, output);
    return;
  }
  if (!force) throw new PathError(output, 'appeared while compressing; pass --force to replace it');
  const old = `${temp}-old`;
  await fs.rename(output, old);
  await fs.rename(temp, output);
  await fs.rm(old, { recursive: true, force: true });
}
