/**
 * Greedy decoding as HF's WhisperForConditionalGeneration.generate(do_sample=False) without
 * timestamps: the prompt <|startoftranscript|> <|lang|> <|task|> <|notimestamps|>, suppress_tokens
 * masked at every step and begin_suppress_tokens at the first generated one, argmax (first index on
 * ties, like torch), stop at end of text or the length limit.
 */
import { OptionError, type Matrix } from '@speechfold/core';
import { decodeStep } from './decoder';
import { encode } from './encoder';
import { createKvCache } from './kv-cache';
import type { WhisperModel } from './model';

/** Options of greedyDecode and transcribe. */
export interface GreedyOptions {
  /** Language code ('en') or token ('<|en|>'); default 'en'. An English-only model accepts only English. */
  language?: string;
  /** Default 'transcribe'. */
  task?: 'transcribe' | 'translate';
  /** Most tokens to generate (end of text included); default: up to generation_config's max_length with the prompt. */
  maxNewTokens?: number;
  /** Called with each generated position's raw logits (before suppression); the array is the caller's to keep. */
  onLogits?: (step: number, logits: Float32Array) => void;
}

/** What greedy decoding produced. */
export interface GreedyResult {
  /** Generated ids without the prompt and without the final end of text, as HF's generate returns them. */
  tokens: number[];
  /** The tokens as text, special tokens skipped. */
  text: string;
  /** 'eos' when end of text was generated, 'length' when the limit was reached first. */
  stopReason: 'eos' | 'length';
  /** The forced prompt the decoder started from. */
  prompt: number[];
}

/**
 * The forced decoder prompt for a language and task (ids from generation_config.json). An
 * English-only model's prompt is <|startoftranscript|> <|notimestamps|>, as HF builds it; asking it for
 * English transcription is accepted (that is all it does), any other language or task is an error.
 */
export function promptTokens(model: WhisperModel, options: Pick<GreedyOptions, 'language' | 'task'> = {}): number[] {
  const g = model.generation;
  const language = options.language ?? 'en';
  if (!g.multilingual) {
    if (!['en', '<|en|>'].includes(language.toLowerCase())) {
      throw new OptionError('language', `'${language}': this model is English-only (generation_config.json's is_multilingual is false); use 'en'`);
    }
    if ((options.task ?? 'transcribe') !== 'transcribe') {
      throw new OptionError('task', `'${options.task}': an English-only model only transcribes`);
    }
    return [g.decoderStartTokenId, g.noTimestampsTokenId];
  }
  const langToken = language.startsWith('<|') ? language : `<|${language.toLowerCase()}|>`;
  const langId = g.langToId[langToken];
  if (langId === undefined) throw new OptionError('language', `'${language}' is not in generation_config.json's lang_to_id`);
  const task = options.task ?? 'transcribe';
  const taskId = g.taskToId[task];
  if (taskId === undefined) throw new OptionError('task', `'${task}' is not in generation_config.json's task_to_id`);
  return [g.decoderStartTokenId, langId, taskId, g.noTimestampsTokenId];
}

/** How many tokens may be generated after the prompt. */
function newTokenLimit(model: WhisperModel, promptLength: number, maxNewTokens: number | undefined): number {
  const positions = model.config.max_target_positions;
  if (maxNewTokens === undefined) return Math.max(0, model.generation.maxLength - promptLength);
  if (!Number.isInteger(maxNewTokens) || maxNewTokens < 1) throw new OptionError('maxNewTokens', `expected a positive integer, got ${maxNewTokens}`);
  // HF refuses this too: the decoder has no position embedding beyond max_target_positions.
  if (maxNewTokens + promptLength > positions) {
    throw new OptionError('maxNewTokens', `${maxNewTokens} + ${promptLength} prompt tokens exceed max_target_positions ${positions}`);
  }
  return maxNewTokens;
}

/** Index of the largest value; the first one on ties. */
function argmax(row: Float32Array): number {
  let best = 0;
  for (let i = 1; i < row.length; i++) if (row[i] > row[best]) best = i;
  return best;
}

/** Greedy decoding over an encoder output [frames, d] (see encode). */
export async function greedyDecode(model: WhisperModel, encoderOutput: Matrix, options: GreedyOptions = {}): Promise<GreedyResult> {
  const g = model.generation;
  const prompt = promptTokens(model, options);
  const limit = newTokenLimit(model, prompt.length, options.maxNewTokens);
  const cache = await createKvCache(model, encoderOutput);
  const vocab = model.config.vocab_size;
  const tokens: number[] = [];
  let stopReason: GreedyResult['stopReason'] = 'length';
  let logits = await decodeStep(model, cache, prompt);
  for (let step = 0; step < limit; step++) {
    // The last row scores the next token; it is ours to modify.
    const row = logits.data.subarray((logits.rows - 1) * vocab, logits.rows * vocab);
    options.onLogits?.(step, row.slice());
    for (const id of g.suppressTokens) if (id < vocab) row[id] = -Infinity;
    if (step === 0) for (const id of g.beginSuppressTokens) if (id < vocab) row[id] = -Infinity;
    const next = argmax(row);
    if (g.eosTokenIds.includes(next)) {
      stopReason = 'eos';
      break;
    }
    tokens.push(next);
    if (step + 1 < limit) logits = await decodeStep(model, cache, [next]);
  }
  return { tokens, text: model.tokenizer.decode(tokens, { skipSpecialTokens: true }), stopReason, prompt };
}

/** Encodes log-mel features [num_mel_bins, 3000] and decodes them greedily: the transcript. */
export async function transcribe(model: WhisperModel, features: Matrix, options: GreedyOptions = {}): Promise<GreedyResult> {
  return greedyDecode(model, await encode(model, features), options);
}
