/**
 * synthesize(): writes a complete, loadable Hugging Face checkpoint directory with real parameter
 * names, shapes, config and tokenizer files, and seeded random weights.
 */
import path from 'node:path';
import {
  missingParentDirs,
  OptionError,
  numel,
  removeEmptyDirs,
  silentProgress,
  SYNTHETIC_MARKER_FILE,
  type ProgressListener,
} from '@speechfold/core';
import { whisperSpecialTokens, writeCheckpointJson } from '@speechfold/adapter-whisper';
import { createCheckpointSink } from '@speechfold/safetensors';
import { planModel, resolveArch, type ArchId, type ConfigOverrides, type ModelPlan } from './archs';
import { assertHubertVocabulary, writeHubertFiles } from './hubert-files';
import {
  DEFAULT_MAX_SHARD_BYTES,
  TORCH_DTYPE,
  resolveDType,
  resolveMaxShardBytes,
  resolveSeed,
  type SynthDType,
} from './options';
import { cleanOutDir, listOutput, prepareOutDir } from './out-dir';
import { writeTensors } from './tensors';
import { writeWhisperConfigFiles, writeWhisperTokenizerFiles } from './whisper-files';

/** The transformers release whose file formats the side files follow. */
export const TRANSFORMERS_VERSION = '4.46.3';

/** What to synthesize and where. */
export interface SynthOptions {
  arch: ArchId;
  /** Created if absent; must be empty if present. */
  outDir: string;
  /** Storage dtype of the weights (default F32). */
  dtype?: SynthDType;
  /** Same seed, same bytes (default 0). */
  seed?: number;
  /** Shard above this many bytes (default 5e9, HF's "5GB"). */
  maxShardBytes?: number;
  /** Preset fields to change, e.g. to shrink a model in tests; validated like config.json. */
  config?: ConfigOverrides;
  /** Receives one step per tensor written. */
  onProgress?: ProgressListener;
}

/** What was written. */
export interface SynthResult {
  /** The output directory, absolute. */
  dir: string;
  /** Number of stored parameter values. */
  parameters: number;
  /** Total size of all files written, in bytes. */
  bytes: number;
  /** Names of the files written, sorted. */
  files: string[];
}

/** config.json as HF's save_pretrained writes it: the validated config plus storage dtype and version. */
function configJson<T extends object>(config: T, dtype: SynthDType): T {
  return { ...config, torch_dtype: TORCH_DTYPE[dtype], transformers_version: TRANSFORMERS_VERSION };
}

async function writeSideFiles(dir: string, plan: ModelPlan, dtype: SynthDType): Promise<void> {
  if (plan.family === 'hubert') {
    await writeHubertFiles(dir, configJson(plan.config, dtype));
    return;
  }
  const special = whisperSpecialTokens(plan.config.vocab_size);
  await writeWhisperConfigFiles(dir, configJson(plan.config, dtype), special, TRANSFORMERS_VERSION);
  await writeWhisperTokenizerFiles(dir, special);
}

/**
 * File written beside every synthetic checkpoint: its weights are random ('speechfold-synthetic.json',
 * core's SYNTHETIC_MARKER_FILE, which compress's model card and eval's warning look for).
 */
export const SYNTHETIC_MARKER = SYNTHETIC_MARKER_FILE;

/** Writes a synthetic checkpoint of `options.arch` into `options.outDir`. */
export async function synthesize(options: SynthOptions): Promise<SynthResult> {
  // Check everything the user chose before touching the disk.
  const arch = resolveArch(options.arch);
  const dtype = resolveDType(options.dtype ?? 'F32');
  const seed = resolveSeed(options.seed ?? 0);
  const maxShardBytes = resolveMaxShardBytes(options.maxShardBytes ?? DEFAULT_MAX_SHARD_BYTES);
  const plan = planModel(arch, options.config);
  // The tokenizer files must cover the model's vocabulary exactly.
  if (plan.family === 'hubert') assertHubertVocabulary(plan.config);
  else whisperSpecialTokens(plan.config.vocab_size);
  if (typeof options.outDir !== 'string' || options.outDir === '') {
    throw new OptionError('--out', `expected a directory path, got ${JSON.stringify(options.outDir)}`);
  }
  const dir = path.resolve(options.outDir);

  // Made by prepareOutDir (mkdir -p), and so removed again, where still empty, when the run fails.
  const parents = await missingParentDirs(dir);
  const created = await prepareOutDir(dir);
  try {
    await writeSideFiles(dir, plan, dtype);
    // A marker that travels into compressed copies (compress copies side files), so reports built on
    // them can say the weights are random.
    await writeCheckpointJson(dir, SYNTHETIC_MARKER, { weights: 'random', arch: options.arch, seed, dtype });
    // 'format: pt' is what HF's loader expects in the safetensors metadata of a PyTorch checkpoint.
    const sink = await createCheckpointSink(dir, { metadata: { format: 'pt' }, maxShardBytes });
    try {
      await writeTensors(sink, plan.parameters, dtype, seed, options.onProgress ?? silentProgress);
      await sink.commit();
    } catch (e) {
      await sink.abort();
      throw e;
    }
  } catch (e) {
    await cleanOutDir(dir, created);
    await removeEmptyDirs(parents);
    throw e;
  }
  const { files, bytes } = await listOutput(dir);
  const parameters = plan.parameters.reduce((n, p) => n + numel(p.shape), 0);
  return { dir, parameters, bytes, files };
}
