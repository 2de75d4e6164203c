/**
 * The ids of Whisper's special tokens, looked up by their text in tokenizer.json. Looking them up
 * (rather than computing them from the vocabulary size) serves multilingual and English-only
 * vocabularies alike: '.en' models put <|endoftext|> at 50256, multilingual ones at 50257.
 */
import { FormatError } from '@speechfold/core';
import type { TokenizerJson } from './tokenizer-json';

/** Special-token ids of a Whisper vocabulary. */
export interface WhisperTokenIds {
  endOfText: number;
  startOfTranscript: number;
  translate: number;
  transcribe: number;
  startOfLm: number;
  startOfPrev: number;
  /** <|nocaptions|> before large-v3, <|nospeech|> from it on. */
  noSpeech: number;
  noTimestamps: number;
}

/** id -> text of every token the tokenizer names (BPE vocab and added tokens). */
export function tokenTexts(tok: TokenizerJson): Map<number, string> {
  const texts = new Map<number, string>();
  for (const [text, id] of Object.entries(tok.vocab)) texts.set(id, text);
  for (const t of tok.added) texts.set(t.id, t.content);
  return texts;
}

/** Finds each special token; FormatError naming `file` if one is missing or beyond `vocabSize`. */
export function whisperTokenIds(tok: TokenizerJson, file: string, vocabSize: number): WhisperTokenIds {
  const ids = new Map<string, number>(Object.entries(tok.vocab));
  for (const t of tok.added) ids.set(t.content, t.id);
  const find = (...texts: string[]): number => {
    for (const text of texts) {
      const id = ids.get(text);
      if (id === undefined) continue;
      if (id >= vocabSize)
        throw new FormatError({ file }, `token ${text} has id ${id}, beyond the model's ${vocabSize} embeddings`);
      return id;
    }
    throw new FormatError({ file }, `has no ${texts.join(' or ')} token; expected a Whisper tokenizer`);
  };
  return {
    endOfText: find('<|endoftext|>'),
    startOfTranscript: find('<|startoftranscript|>'),
    translate: find('<|translate|>'),
    transcribe: find('<|transcribe|>'),
    startOfLm: find('<|startoflm|>'),
    startOfPrev: find('<|startofprev|>'),
    noSpeech: find('<|nocaptions|>', '<|nospeech|>'),
    noTimestamps: find('<|notimestamps|>'),
  };
}

/** HF's lang_to_id: '<|en|>' -> id for each language id of CTranslate2's config (codes are 2-3 letters, e.g. 'haw'). */
export function languageTokens(tok: TokenizerJson, file: string, langIds: readonly number[]): Record<string, number> {
  const texts = tokenTexts(tok);
  const out: Record<string, number> = {};
  for (const id of langIds) {
    const text = texts.get(id);
    if (text === undefined || !/^<\|[a-z]{2,3}\|>$/.test(text)) {
      throw new FormatError(
        { file },
        `language id ${id} of config.json is ${
          text === undefined ? 'not in the tokenizer' : `'${text}'`
        }; expected a <|xx|> language token`,
      );
    }
    out[text] = id;
  }
  return out;
}
