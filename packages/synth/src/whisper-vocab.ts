/**
 * A synthetic Whisper vocabulary with the real id layout. The real GPT-2/Whisper BPE tables are not
 * available offline, so the ids below <|endoftext|> (50257, or 50256 for English-only) are: the 256
 * byte-level tokens (same ids as the real ones), the merges learned from LibriSpeech transcripts
 * (src/bpe-merges.generated.ts), then filler tokens. The special tokens from <|endoftext|> on are
 * Whisper's own, on Whisper's own ids, so generation and decoding code that keys on them behaves as
 * with a real checkpoint.
 */
import {
  WHISPER_TIMESTAMPS,
  timestampToken,
  type WhisperSpecialTokens,
} from '@speechfold/adapter-whisper';
import { byteLevelAlphabet } from './byte-level';
import { LEARNED_MERGES } from './bpe-merges.generated';

/** A token added after the BPE vocabulary. Specials are never split or normalised; timestamps are plain added tokens. */
export interface AddedToken {
  id: number;
  content: string;
  special: boolean;
}

/** Everything the tokenizer files are written from. */
export interface WhisperVocabulary {
  /** BPE tokens by id, below <|endoftext|>. */
  tokens: string[];
  /** merges.txt lines ("left right") in rank order. */
  merges: readonly string[];
  /** <|endoftext|> and everything after it, by id. */
  added: AddedToken[];
  /** The special tokens other than <|endoftext|>, in id order (HF's additional_special_tokens). */
  additionalSpecial: string[];
}

/** Filler for unused BPE ids: only printable ASCII, so byte-level decoding never fails, and no merge can produce it. */
function fillerToken(id: number): string {
  return `<unused_${id}>`;
}

/** Builds the vocabulary for a layout (see adapter-whisper's whisperSpecialTokens): BPE ids stop below <|endoftext|>. */
export function buildWhisperVocabulary(special: WhisperSpecialTokens): WhisperVocabulary {
  const tokens = byteLevelAlphabet().map((b) => b.char);
  const known = new Set(tokens);
  for (const merge of LEARNED_MERGES) {
    const [left, right] = merge.split(' ');
    // Both halves exist by construction of greedy BPE; a failure means the generated file was edited.
    if (!known.has(left) || !known.has(right))
      throw new Error(`bpe-merges.generated.ts: merge '${merge}' uses an unknown token`);
    const merged = left + right;
    if (!known.has(merged)) {
      known.add(merged);
      tokens.push(merged);
    }
  }
  const bpeTokens = special.endOfText;
  while (tokens.length < bpeTokens) {
    const filler = fillerToken(tokens.length);
    if (known.has(filler)) throw new Error(`filler token ${filler} collides with a learned token`);
    known.add(filler);
    tokens.push(filler);
  }
  if (tokens.length > bpeTokens) throw new Error(`${tokens.length} BPE tokens do not fit below id ${bpeTokens}`);

  const additionalSpecial = [
    '<|startoftranscript|>',
    ...special.languages.map((l) => `<|${l.code}|>`),
    '<|translate|>',
    '<|transcribe|>',
    '<|startoflm|>',
    '<|startofprev|>',
    special.noSpeechToken,
    '<|notimestamps|>',
  ];
  const added: AddedToken[] = [{ id: special.endOfText, content: '<|endoftext|>', special: true }];
  additionalSpecial.forEach((content, i) => added.push({ id: special.startOfTranscript + i, content, special: true }));
  for (let i = 0; i < WHISPER_TIMESTAMPS; i++) {
    added.push({ id: special.timestampBegin + i, content: timestampToken(i), special: false });
  }
  // The layout must close exactly at the model's vocabulary size, or logits and ids disagree.
  const last = added[added.length - 1].id;
  if (last !== special.vocabSize - 1)
    throw new Error(`token layout ends at ${last}, expected ${special.vocabSize - 1}`);
  return { tokens, merges: LEARNED_MERGES, added, additionalSpecial };
}
