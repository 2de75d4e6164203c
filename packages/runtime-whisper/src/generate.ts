/**
 * Greedy decoding as HF's WhisperForConditionalGeneration.generate(do_sample=False) without
 * timestamps: the prompt <|startoftranscript|> <|lang|> <|task|> <|notimestamps|>, suppress_tokens
 * masked at every step and begin_suppress_tokens at the first generated one, argmax (first index on
 * ties, like torch), stop at end of text or the length limit. Several utterances can be decoded as one
 * batch (greedyDecodeBatch), each stopping on its own, with the same tokens as one by one.
 */
import { MethodError, OptionError, type Matrix } from '@speechfold/core';
import { checkTokenIds, decodeStep } from './decoder';
import { createGraphDecoderState, decodeStepWithGraph, decoderSessions, keepSequences, type DecoderSessions } from './decoder-graph';
import { encode } from './encoder';
import { checkEncoderOutput, createKvCache } from './kv-cache';
import type { WhisperModel } from './model';

/** Options of greedyDecode and transcribe. */
export interface GreedyOptions {
  /** Language code ('en') or token ('<|en|>'); default 'en'. An English-only model accepts only English. */
  language?: string;
  /** Default 'transcribe'. */
  task?: 'transcribe' | 'translate';
  /** Most tokens to generate (end of text included); default: up to generation_config's max_length with the prompt. */
  maxNewTokens?: number;
  /**
   * Called with each generated position's raw logits (before suppression); the array is the caller's
   * to keep. `sequence`: the utterance's index in a batch (0 for greedyDecode).
   */
  onLogits?: (step: number, logits: Float32Array, sequence: number) => void;
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

/** The prompt and the limit are checked before any work. */
function checkOptions(model: WhisperModel, options: GreedyOptions): void {
  newTokenLimit(model, promptTokens(model, options).length, options.maxNewTokens);
}

/** Index of the largest value; the first one on ties. */
function argmax(row: Float32Array): number {
  let best = 0;
  for (let i = 1; i < row.length; i++) if (row[i] > row[best]) best = i;
  return best;
}

/**
 * What decodes a set of sequences in step: the logits of the given tokens of every sequence still in
 * it ([sequences * T, vocab], T rows each), and dropping the ones that stopped.
 */
interface Stepper {
  step(tokens: number[][]): Promise<Matrix>;
  /** Keeps the sequences at these (ascending) positions of the last step. */
  keep(positions: number[]): void;
}

/** One sequence on its KV cache (either decoder path). */
async function cacheStepper(model: WhisperModel, encoderOutput: Matrix): Promise<Stepper> {
  const cache = await createKvCache(model, encoderOutput);
  return { step: (tokens) => decodeStep(model, cache, tokens[0]), keep: () => undefined };
}

/** Several sequences as one batch on the graph decoder. */
async function graphStepper(model: WhisperModel, sessions: DecoderSessions, encoderOutputs: readonly Matrix[]): Promise<Stepper> {
  const state = await createGraphDecoderState(sessions, model, encoderOutputs);
  let past = 0;
  return {
    step: async (tokens) => {
      tokens.forEach((row) => checkTokenIds(model, row));
      const logits = await decodeStepWithGraph(state, model, tokens, past);
      past += tokens[0].length;
      return logits;
    },
    keep: (positions) => keepSequences(state, positions),
  };
}

/**
 * The greedy loop over `count` sequences in step: every sequence picks its own next token from its
 * last logits row; one that generates end of text leaves the batch, the rest go on until each has
 * stopped or the limit is reached. Sequences are numbered as their encoder outputs were given.
 */
async function decodeGreedily(model: WhisperModel, stepper: Stepper, count: number, options: GreedyOptions, first = 0): Promise<GreedyResult[]> {
  const g = model.generation;
  const prompt = promptTokens(model, options);
  const limit = newTokenLimit(model, prompt.length, options.maxNewTokens);
  const vocab = model.config.vocab_size;
  const tokens: number[][] = Array.from({ length: count }, () => []);
  const stopReasons: GreedyResult['stopReason'][] = Array.from({ length: count }, () => 'length');
  // active[i]: the sequence at position i of the stepper's batch.
  let active = Array.from({ length: count }, (_v, i) => i);
  let rows = prompt.length;
  let logits = await stepper.step(active.map(() => prompt));
  for (let step = 0; step < limit; step++) {
    const going: number[] = [];
    active.forEach((sequence, i) => {
      // The last row of the sequence's tokens scores its next token; it is ours to modify.
      const row = logits.data.subarray(((i + 1) * rows - 1) * vocab, (i + 1) * rows * vocab);
      options.onLogits?.(step, row.slice(), first + sequence);
      for (const id of g.suppressTokens) if (id < vocab) row[id] = -Infinity;
      if (step === 0) for (const id of g.beginSuppressTokens) if (id < vocab) row[id] = -Infinity;
      const next = argmax(row);
      if (g.eosTokenIds.includes(next)) {
        stopReasons[sequence] = 'eos';
      } else {
        tokens[sequence].push(next);
        going.push(i);
      }
    });
    if (going.length === 0 || step + 1 === limit) break;
    if (going.length < active.length) {
      stepper.keep(going);
      active = going.map((i) => active[i]);
    }
    rows = 1;
    logits = await stepper.step(active.map((sequence) => [tokens[sequence][tokens[sequence].length - 1]]));
  }
  return tokens.map((ids, i) => ({ tokens: ids, text: model.tokenizer.decode(ids, { skipSpecialTokens: true }), stopReason: stopReasons[i], prompt }));
}

/** Greedy decoding over an encoder output [frames, d] (see encode). */
export async function greedyDecode(model: WhisperModel, encoderOutput: Matrix, options: GreedyOptions = {}): Promise<GreedyResult> {
  checkOptions(model, options);
  const [result] = await decodeGreedily(model, await cacheStepper(model, encoderOutput), 1, options);
  return result;
}

/**
 * Greedy decoding of several encoder outputs at once: on the graph decoder (onnxruntime) one
 * decoder step serves every sequence still going, so the decoder's weights are read once per step
 * for all of them; a sequence that reaches end of text stops alone. Each result is what greedyDecode
 * gives for that encoder output. Without the graph decoder the sequences are decoded one by one.
 * Memory: each sequence holds its cross-attention keys and values (2 x frames x d_model floats per
 * decoder layer; 37 MB for whisper-base).
 */
export async function greedyDecodeBatch(model: WhisperModel, encoderOutputs: readonly Matrix[], options: GreedyOptions = {}): Promise<GreedyResult[]> {
  if (encoderOutputs.length === 0) return [];
  for (const m of encoderOutputs) checkEncoderOutput(model, m);
  if (encoderOutputs.some((m) => m.rows !== encoderOutputs[0].rows)) {
    throw new MethodError({}, `decoder: a batch needs encoder outputs of one length, got ${encoderOutputs.map((m) => m.rows).join(', ')} frames`);
  }
  checkOptions(model, options);
  const sessions = decoderSessions(model);
  if (sessions !== undefined) return decodeGreedily(model, await graphStepper(model, await sessions, encoderOutputs), encoderOutputs.length, options);
  const results: GreedyResult[] = [];
  for (const [i, m] of encoderOutputs.entries()) results.push(...(await decodeGreedily(model, await cacheStepper(model, m), 1, options, i)));
  return results;
}

/** Encodes log-mel features [num_mel_bins, 3000] and decodes them greedily: the transcript. */
export async function transcribe(model: WhisperModel, features: Matrix, options: GreedyOptions = {}): Promise<GreedyResult> {
  return greedyDecode(model, await encode(model, features), options);
}

/** Encodes each utterance's log-mel features and decodes them together (greedyDecodeBatch): one transcript each, in order. */
export async function transcribeBatch(model: WhisperModel, features: readonly Matrix[], options: GreedyOptions = {}): Promise<GreedyResult[]> {
  const encoded: Matrix[] = [];
  for (const f of features) encoded.push(await encode(model, f));
  return greedyDecodeBatch(model, encoded, options);
}
