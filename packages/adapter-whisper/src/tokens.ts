/**
 * Whisper's special-token layout. The ids follow from the vocabulary size alone, as in OpenAI's
 * tokenizer: 50257 byte-level BPE tokens, then <|endoftext|>, <|startoftranscript|>, one token per
 * language, six control tokens and 1501 timestamps. large-v3 added a 100th language (yue), which
 * shifts every id after the languages by one.
 */
import { ModelError } from '@speechfold/core';

/** Language codes in token order (HF's tokenization_whisper LANGUAGES; 'yue' is large-v3's addition). */
// prettier-ignore
export const WHISPER_LANGUAGES: readonly string[] = [
  'en', 'zh', 'de', 'es', 'ru', 'ko', 'fr', 'ja', 'pt', 'tr', 'pl', 'ca', 'nl', 'ar', 'sv', 'it', 'id',
  'hi', 'fi', 'vi', 'he', 'uk', 'el', 'ms', 'cs', 'ro', 'da', 'hu', 'ta', 'no', 'th', 'ur', 'hr', 'bg',
  'lt', 'la', 'mi', 'ml', 'cy', 'sk', 'te', 'fa', 'lv', 'bn', 'sr', 'az', 'sl', 'kn', 'et', 'mk', 'br',
  'eu', 'is', 'hy', 'ne', 'mn', 'bs', 'kk', 'sq', 'sw', 'gl', 'mr', 'pa', 'si', 'km', 'sn', 'yo', 'so',
  'af', 'oc', 'ka', 'be', 'tg', 'sd', 'gu', 'am', 'yi', 'lo', 'uz', 'fo', 'ht', 'ps', 'tk', 'nn', 'mt',
  'sa', 'lb', 'my', 'bo', 'tl', 'mg', 'as', 'tt', 'haw', 'ln', 'ha', 'ba', 'jw', 'su', 'yue',
];

/**
 * GPT-2 byte-level ids of symbols Whisper never emits as speech (quotes, brackets, music notes...),
 * from OpenAI's non_speech_tokens; the suppress list adds the task/control ids after them.
 */
// prettier-ignore
export const WHISPER_NON_SPEECH_SYMBOL_IDS: readonly number[] = [
  1, 2, 7, 8, 9, 10, 14, 25, 26, 27, 28, 29, 31, 58, 59, 60, 61, 62, 63, 90, 91, 92, 93, 359, 503, 522,
  542, 873, 893, 902, 918, 922, 931, 1350, 1853, 1982, 2460, 2627, 3246, 3253, 3268, 3536, 3846, 3961,
  4183, 4667, 6585, 6647, 7273, 9061, 9383, 10428, 10929, 11938, 12033, 12331, 12562, 13793, 14157,
  14635, 15265, 15618, 16553, 16604, 18362, 18956, 20075, 21675, 22520, 26130, 26161, 26435, 28279,
  29464, 31650, 32302, 32470, 36865, 42863, 47425, 49870, 50254,
];

/** Number of byte-level BPE tokens before the specials (ids 0..50256). */
export const WHISPER_BPE_TOKENS = 50257;
/** Timestamp tokens <|0.00|> .. <|30.00|> in steps of 0.02 s. */
export const WHISPER_TIMESTAMPS = 1501;

/** Where every special token of a multilingual Whisper vocabulary sits. */
export interface WhisperSpecialTokens {
  vocabSize: number;
  endOfText: number;
  startOfTranscript: number;
  /** Language codes and their token ids, in order. */
  languages: { code: string; id: number }[];
  translate: number;
  transcribe: number;
  startOfLm: number;
  startOfPrev: number;
  /** '<|nocaptions|>' before large-v3, '<|nospeech|>' from large-v3 on (as HF's tokenizer files spell it). */
  noSpeechToken: string;
  noSpeech: number;
  noTimestamps: number;
  /** Id of <|0.00|>; the rest of the 1501 timestamps follow. */
  timestampBegin: number;
}

/** The special-token ids of a multilingual vocabulary of this size (51865 or 51866); `file` names config.json in errors. */
export function whisperSpecialTokens(vocabSize: number, file = 'config.json'): WhisperSpecialTokens {
  // HF's rule: multilingual when vocab_size >= 51865, num_languages = vocab_size - 51765 - 1.
  const numLanguages = vocabSize - 51765 - 1;
  if (numLanguages < 99 || numLanguages > WHISPER_LANGUAGES.length) {
    throw new ModelError(
      { file },
      `field 'vocab_size': expected 51865 (99 languages) or 51866 (100 languages, large-v3), got ${vocabSize}; ` +
        'English-only vocabularies are not supported'
    );
  }
  const endOfText = WHISPER_BPE_TOKENS;
  const firstLanguage = endOfText + 2;
  const control = firstLanguage + numLanguages;
  return {
    vocabSize,
    endOfText,
    startOfTranscript: endOfText + 1,
    languages: WHISPER_LANGUAGES.slice(0, numLanguages).map((code, i) => ({ code, id: firstLanguage + i })),
    translate: control,
    transcribe: control + 1,
    startOfLm: control + 2,
    startOfPrev: control + 3,
    noSpeechToken: numLanguages >= 100 ? '<|nospeech|>' : '<|nocaptions|>',
    noSpeech: control + 4,
    noTimestamps: control + 5,
    timestampBegin: control + 6,
  };
}

/** The text of timestamp token i (0..1500), e.g. '<|0.02|>'. */
export function timestampToken(i: number): string {
  return `<|${(i * 0.02).toFixed(2)}|>`;
}

/** Whisper's suppress_tokens for this layout: the non-speech symbols, then the task and control tokens. */
export function whisperSuppressTokens(t: WhisperSpecialTokens): number[] {
  return [
    ...WHISPER_NON_SPEECH_SYMBOL_IDS,
    t.startOfTranscript,
    t.translate,
    t.transcribe,
    t.startOfLm,
    t.startOfPrev,
    t.noSpeech,
  ];
}
