/**
 * importCTranslate2Whisper: a CTranslate2 Whisper model (model.bin or its parts, config.json,
 * tokenizer.json) in, a Hugging Face WhisperForConditionalGeneration dir out, which stock
 * transformers loads with from_pretrained, WhisperProcessor and both Whisper tokenizers.
 */
import path from 'node:path';
import { OptionError } from '@speechfold/core';
import {
  validateWhisperConfig,
  whisperGenerationConfig,
  whisperPreprocessorConfig,
  writeCheckpointJson,
  type WhisperConfig,
} from '@speechfold/adapter-whisper';
import { createCheckpointSink } from '@speechfold/safetensors';
import { Ct2Model } from './ct2-model';
import { checkVocabularyLength } from './ct2-vocabulary';
import { readCt2WhisperConfig } from './ct2-whisper-config';
import { buildWhisperConfig } from './hf-config';
import { findCt2WhisperInput, type Ct2WhisperInput } from './model-input';
import { createTempOutput, moveOutputIntoPlace } from './output-dir';
import { writeTokenizerFiles } from './tokenizer-files';
import { readTokenizerJson } from './tokenizer-json';
import { readWhisperDims } from './whisper-dims';
import { checkWhisperSettings } from './whisper-settings';
import { languageTokens, whisperTokenIds } from './whisper-token-ids';
import { writeWhisperWeights } from './whisper-weights';

/** Options of importCTranslate2Whisper. */
export interface ImportCTranslate2WhisperOptions {
  /**
   * Storage dtype of model.safetensors. Default: 'F16' when every weight in model.bin is float16
   * (lossless), else 'F32' (bfloat16 and dequantized int8/int16 values do not all fit float16).
   */
  dtype?: 'F16' | 'F32';
  /** model.bin split into parts: the part files in joining order (paths as given); inputDir still holds the side files. */
  parts?: string[];
}

/** What an import wrote. */
export interface ImportCTranslate2WhisperResult {
  /** Values stored in model.safetensors (proj_out not counted when tied). */
  parameters: number;
  /** The config.json written. */
  config: WhisperConfig;
  /** Names of the files written in the output dir. */
  files: string[];
}

/** 'F16' when every float variable is float16 and nothing is quantized, else 'F32'. */
function defaultDtype(model: Ct2Model): 'F16' | 'F32' {
  const weights = model.list().filter((t) => t.shape.length > 0);
  return weights.every((t) => t.dtype === 'F16') ? 'F16' : 'F32';
}

function checkDtype(dtype: unknown): asserts dtype is 'F16' | 'F32' | undefined {
  if (dtype !== undefined && dtype !== 'F16' && dtype !== 'F32')
    throw new OptionError('dtype', `expected 'F16' or 'F32', got ${String(dtype)}`);
}

/** Writes everything into `dir` (a fresh temp dir); returns the parameter count, config and file names. */
async function writeModelDir(
  model: Ct2Model,
  input: Ct2WhisperInput,
  dir: string,
  dtypeOption: 'F16' | 'F32' | undefined,
): Promise<ImportCTranslate2WhisperResult> {
  const dims = await readWhisperDims(model); // checks the spec first: settings mean nothing in another one
  await checkWhisperSettings(model);
  if (input.vocabularyFile) await checkVocabularyLength(input.vocabularyFile, dims.vocabSize);
  const ct2 = await readCt2WhisperConfig(input.configFile, dims.vocabSize, dims.decoderLayers, dims.decoderHeads);
  const tok = await readTokenizerJson(input.tokenizerFile);
  const ids = whisperTokenIds(tok, input.tokenizerFile, dims.vocabSize);
  const dtype = dtypeOption ?? defaultDtype(model);
  const config = buildWhisperConfig(dims, ids, ct2, dtype === 'F16' ? 'float16' : 'float32');
  validateWhisperConfig(config, path.join(dir, 'config.json')); // our own output: a failure here is a bug
  // generation_config.json as OpenAI's hub checkpoints ship it, with the lists CTranslate2's config keeps.
  const generation = whisperGenerationConfig(config, ids, {
    suppressTokens: ct2.suppressIds,
    beginSuppressTokens: ct2.suppressIdsBegin,
    langToId: languageTokens(tok, input.configFile, ct2.langIds),
    alignmentHeads: ct2.alignmentHeads,
  });

  // 'format: pt' is what HF's loader expects in the metadata of a PyTorch safetensors checkpoint.
  const sink = await createCheckpointSink(dir, { metadata: { format: 'pt' }, protectedPaths: model.files });
  let parameters: number;
  try {
    parameters = await writeWhisperWeights(model, config, sink, dtype);
    await sink.commit();
  } catch (error) {
    await sink.abort();
    throw error;
  }
  const files = [
    'model.safetensors',
    await writeCheckpointJson(dir, 'config.json', config),
    await writeCheckpointJson(dir, 'generation_config.json', generation),
    await writeCheckpointJson(dir, 'preprocessor_config.json', whisperPreprocessorConfig(config)),
    ...(await writeTokenizerFiles(dir, input.tokenizerFile, tok)),
  ];
  return { parameters, config, files };
}

/**
 * Imports a CTranslate2 Whisper model from `inputDir` (model.bin, or `options.parts`) as a Hugging
 * Face model dir at `outDir` (new, or an empty dir), streaming one variable at a time.
 */
export async function importCTranslate2Whisper(
  inputDir: string,
  outDir: string,
  options: ImportCTranslate2WhisperOptions = {},
): Promise<ImportCTranslate2WhisperResult> {
  checkDtype(options.dtype);
  const input = await findCt2WhisperInput(inputDir, options.parts);
  const model = await Ct2Model.open(input.modelFiles);
  try {
    const temp = await createTempOutput(outDir, [inputDir, ...input.modelFiles]);
    try {
      const result = await writeModelDir(model, input, temp.dir, options.dtype);
      await moveOutputIntoPlace(temp.dir, outDir);
      return result;
    } catch (error) {
      await temp.discard();
      throw error;
    } finally {
      temp.release();
    }
  } finally {
    await model.close();
  }
}
