export { wer, corpusWer, alignWords, words, type WerCounts, type WerResult, type TranscriptPair, type WerOptions } from './wer';
export { normalizeText, numberToWords, type NormalizeStyle, type NormalizeOptions } from './normalize';
