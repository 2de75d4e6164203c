/**
 * Whisper's special-token layout. The ids follow from the vocabulary size alone, as in OpenAI's
 * tokenizer: the byte-level BPE tokens, then <|endoftext|>, <|startoftranscript|>, one token per
 * language, six control tokens and 1501 timestamps. Multilingual vocabularies have 50257 BPE tokens
 * (51865); large-v3 added a 100th language (yue), which shifts every id after the languages by one
 * (51866). English-only models (tiny.en .. medium.en) use GPT-2's vocabulary, whose <|endoftext|> is
 * its last token, 50256, so everything after it sits one id lower (51864); their vocabulary still
 * holds the 99 language tokens, which they never use.
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

/** Number of byte-level BPE tokens before the specials in a multilingual vocabulary (ids 0..50256). */
export const WHISPER_BPE_TOKENS = 50257;
/** Vocabulary size of the English-only models: GPT-2's 50257 tokens (<|endoftext|> last) and Whisper's specials. */
export const WHISPER_ENGLISH_VOCAB_SIZE = 51864;

/**
 * The English-only models' non-speech symbol ids: the same symbols as WHISPER_NON_SPEECH_SYMBOL_IDS,
 * encoded with GPT-2's byte-level BPE (as whisper-tiny.en's generation_config.json lists them).
 */
// prettier-ignore
export const WHISPER_ENGLISH_NON_SPEECH_SYMBOL_IDS: readonly number[] = [
  1, 2, 7, 8, 9, 10, 14, 25, 26, 27, 28, 29, 31, 58, 59, 60, 61, 62, 63, 90, 91, 92, 93, 357, 366, 438,
  532, 685, 705, 796, 930, 1058, 1220, 1267, 1279, 1303, 1343, 1377, 1391, 1635, 1782, 1875, 2162, 2361,
  2488, 3467, 4008, 4211, 4600, 4808, 5299, 5855, 6329, 7203, 9609, 9959, 10563, 10786, 11420, 11709,
  11907, 13163, 13697, 13700, 14808, 15306, 16410, 16791, 17992, 19203, 19510, 20724, 22305, 22935,
  27007, 30109, 30420, 33409, 34949, 40283, 40493, 40549, 47282, 49146,
];
/** Timestamp tokens <|0.00|> .. <|30.00|> in steps of 0.02 s. */
export const WHISPER_TIMESTAMPS = 1501;

/** Where every special token of a Whisper vocabulary sits. */
export interface WhisperSpecialTokens {
  vocabSize: number;
  /** False for the English-only vocabulary: the prompt carries no language or task token. */
  multilingual: boolean;
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

/**
 * The special-token ids of a vocabulary of this size: 51864 (English-only), 51865 (99 languages) or
 * 51866 (100 languages, large-v3); `file` names config.json in errors.
 */
export function whisperSpecialTokens(vocabSize: number, file = 'config.json'): WhisperSpecialTokens {
  // HF's rule: multilingual when vocab_size >= 51865, num_languages = vocab_size - 51765 - 1.
  const multilingual = vocabSize !== WHISPER_ENGLISH_VOCAB_SIZE;
  const numLanguages = multilingual ? vocabSize - 51765 - 1 : 99;
  if (numLanguages < 99 || numLanguages > WHISPER_LANGUAGES.length) {
    throw new ModelError(
      { file },
      `field 'vocab_size': expected 51864 (English-only), 51865 (99 languages) or 51866 (100 languages, large-v3), got ${vocabSize}`
    );
  }
  const endOfText = multilingual ? WHISPER_BPE_TOKENS : WHISPER_BPE_TOKENS - 1;
  const firstLanguage = endOfText + 2;
  const control = firstLanguage + numLanguages;
  return {
    vocabSize,
    multilingual,
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
    ...(t.multilingual ? WHISPER_NON_SPEECH_SYMBOL_IDS : WHISPER_ENGLISH_NON_SPEECH_SYMBOL_IDS),
    t.startOfTranscript,
    t.translate,
    t.transcribe,
    t.startOfLm,
    t.startOfPrev,
    t.noSpeech,
  ];
}

/** Whisper's begin_suppress_tokens for this layout: never start with a space (220) or <|endoftext|>. */
export function whisperBeginSuppressTokens(t: Pick<WhisperSpecialTokens, 'endOfText'>): number[] {
  return [220, t.endOfText];
}
