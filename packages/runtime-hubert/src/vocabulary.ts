/**
 * The CTC vocabulary of a HubertForCTC checkpoint: vocab.json (token -> id, the rows of lm_head), the
 * blank (config pad_token_id), the word delimiter and the special tokens from the tokenizer files.
 */
import { ModelError } from '@speechfold/core';
import { isObject } from './json-files';

/** Everything greedy CTC decoding needs to turn ids into text. */
export interface CtcVocabulary {
  /** Token text by id (undefined where vocab.json has a gap). */
  tokens: (string | undefined)[];
  /** The CTC blank: config.json's pad_token_id. */
  blankId: number;
  /** Token that separates words ('|'); becomes a space. */
  wordDelimiter: string;
  /** Ids of special tokens (bos, eos, unk, pad, ...) that never reach the text. */
  specialIds: Set<number>;
}

/** Wav2Vec2CTCTokenizer's defaults, used where the tokenizer files say nothing. */
const DEFAULT_SPECIALS = { bos_token: '<s>', eos_token: '</s>', unk_token: '<unk>', pad_token: '<pad>' };
const DEFAULT_WORD_DELIMITER = '|';

/** A token name from a tokenizer file: a string, or an AddedToken object with `content`. */
function tokenName(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (isObject(value) && typeof value.content === 'string') return value.content;
  return undefined;
}

/**
 * Builds the vocabulary from parsed vocab.json, the blank id, and the optional parsed
 * tokenizer_config.json / special_tokens_map.json (special token names, word delimiter).
 */
export function readVocabulary(vocabJson: unknown, blankId: number, vocabSize: number, tokenizerConfig?: unknown, specialTokensMap?: unknown): CtcVocabulary {
  const file = 'vocab.json';
  if (!isObject(vocabJson)) throw new ModelError({ file }, 'expected a JSON object of token -> id');
  const tokens: (string | undefined)[] = new Array<string | undefined>(vocabSize).fill(undefined);
  const ids = new Map<string, number>();
  for (const [token, id] of Object.entries(vocabJson)) {
    if (typeof id !== 'number' || !Number.isInteger(id) || id < 0 || id >= vocabSize) {
      throw new ModelError({ file }, `token ${JSON.stringify(token)}: id ${JSON.stringify(id)} is not in [0, ${vocabSize}) (config vocab_size)`);
    }
    tokens[id] = token;
    ids.set(token, id);
  }
  if (!Number.isInteger(blankId) || blankId < 0 || blankId >= vocabSize) {
    throw new ModelError({ file: 'config.json' }, `field 'pad_token_id': ${blankId} is not a row of the CTC head (vocab_size ${vocabSize})`);
  }
  const sources = [specialTokensMap, tokenizerConfig].filter(isObject);
  const pick = (key: string, fallback: string): string => {
    for (const source of sources) {
      const name = tokenName(source[key]);
      if (name !== undefined) return name;
    }
    return fallback;
  };
  const specialIds = new Set<number>([blankId]);
  for (const [key, fallback] of Object.entries(DEFAULT_SPECIALS)) {
    const id = ids.get(pick(key, fallback));
    if (id !== undefined) specialIds.add(id);
  }
  return { tokens, blankId, wordDelimiter: pick('word_delimiter_token', DEFAULT_WORD_DELIMITER), specialIds };
}
