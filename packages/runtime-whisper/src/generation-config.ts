/**
 * What greedy decoding needs from generation_config.json: the prompt's token ids, the tokens to
 * suppress, end of text and the length limit. Absent fields fall back as HF does: to config.json's
 * fields, then to the special-token layout the vocabulary size implies.
 */
import path from 'node:path';
import { FormatError } from '@speechfold/core';
import { whisperSpecialTokens, type WhisperConfig } from '@speechfold/adapter-whisper';
import { readJsonObject } from './tokenizer-files';

/** Generation settings of a Whisper checkpoint. */
export interface GenerationSettings {
  /** False for English-only checkpoints (is_multilingual, else the vocabulary size): no language or task token in the prompt. */
  multilingual: boolean;
  /** <|startoftranscript|>. */
  decoderStartTokenId: number;
  /** Generation stops at any of these (<|endoftext|>). */
  eosTokenIds: number[];
  /** <|notimestamps|>, the prompt's last token when timestamps are off. */
  noTimestampsTokenId: number;
  /** Language token ('<|en|>') -> id. */
  langToId: Record<string, number>;
  /** Task ('transcribe', 'translate') -> id. */
  taskToId: Record<string, number>;
  /** Never generated. */
  suppressTokens: number[];
  /** Not generated at the first step (a leading space, end of text). */
  beginSuppressTokens: number[];
  /** Longest decoder sequence, prompt included (HF's max_length, at most max_target_positions). */
  maxLength: number;
}

function fieldError(file: string, field: string, expected: string, value: unknown): FormatError {
  return new FormatError({ file }, `field '${field}': expected ${expected}, got ${JSON.stringify(value)}`);
}

function readId(file: string, raw: Record<string, unknown>, field: string, fallback: number): number {
  const value = raw[field];
  if (value === undefined || value === null) return fallback;
  if (!Number.isInteger(value) || (value as number) < 0) throw fieldError(file, field, 'a token id', value);
  return value as number;
}

function readIds(file: string, raw: Record<string, unknown>, field: string, fallback: number[]): number[] {
  const value = raw[field];
  if (value === undefined || value === null) return fallback;
  if (Number.isInteger(value)) return [value as number];
  if (!Array.isArray(value) || !value.every((v) => Number.isInteger(v) && v >= 0)) throw fieldError(file, field, 'a list of token ids', value);
  return [...(value as number[])];
}

function readFlag(file: string, raw: Record<string, unknown>, field: string, fallback: boolean): boolean {
  const value = raw[field];
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'boolean') throw fieldError(file, field, 'true or false', value);
  return value;
}

function readIdTable(file: string, raw: Record<string, unknown>, field: string, fallback: Record<string, number>): Record<string, number> {
  const value = raw[field];
  if (value === undefined || value === null) return fallback;
  const ok = typeof value === 'object' && !Array.isArray(value) && Object.values(value).every((v) => Number.isInteger(v) && v >= 0);
  if (!ok) throw fieldError(file, field, 'an object of token ids', value);
  return { ...(value as Record<string, number>) };
}

/** Reads `dir`/generation_config.json (optional) with the fallbacks above; `config` is the validated config.json. */
export async function readGenerationSettings(dir: string, config: WhisperConfig): Promise<GenerationSettings> {
  const file = path.join(dir, 'generation_config.json');
  const raw = (await readJsonObject(file, true)) ?? {};
  const special = whisperSpecialTokens(config.vocab_size);
  const multilingual = readFlag(file, raw, 'is_multilingual', special.multilingual);
  // An English-only model's prompt has no language or task token, so it has no tables to default to.
  const langToId = multilingual ? Object.fromEntries(special.languages.map((l) => [`<|${l.code}|>`, l.id])) : {};
  const taskToId: Record<string, number> = multilingual ? { transcribe: special.transcribe, translate: special.translate } : {};
  const maxLength = readId(file, raw, 'max_length', config.max_length ?? config.max_target_positions);
  return {
    multilingual,
    decoderStartTokenId: readId(file, raw, 'decoder_start_token_id', config.decoder_start_token_id),
    eosTokenIds: readIds(file, raw, 'eos_token_id', [config.eos_token_id]),
    noTimestampsTokenId: readId(file, raw, 'no_timestamps_token_id', special.noTimestamps),
    langToId: readIdTable(file, raw, 'lang_to_id', langToId),
    taskToId: readIdTable(file, raw, 'task_to_id', taskToId),
    suppressTokens: readIds(file, raw, 'suppress_tokens', config.suppress_tokens ?? []),
    beginSuppressTokens: readIds(file, raw, 'begin_suppress_tokens', config.begin_suppress_tokens ?? []),
    // Positions past max_target_positions have no embedding, whatever max_length says.
    maxLength: Math.min(maxLength, config.max_target_positions),
  };
}
