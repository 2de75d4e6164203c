import { OptionError } from '@speechfold/core';

/**
 * Text normalisation before WER (documented in this package's README and docs/evaluation.md).
 *
 * - 'basic': what LibriSpeech references already look like. Upper case; every character that is not
 *   a letter, digit, apostrophe or space becomes a space; an apostrophe survives only between two
 *   letters or digits (DON'T, MAN'S), so quotes and leading/trailing apostrophes go; whitespace
 *   collapsed. Typographic apostrophes count as apostrophes.
 * - 'whisper-english': 'basic' plus the parts of Whisper's EnglishTextNormalizer that change WER on
 *   read English: bracketed asides and fillers removed, contractions expanded, titles spelled out,
 *   and numbers written as words (digits to words, the direction that leaves LibriSpeech references
 *   untouched), with the "AND" after HUNDRED/THOUSAND/... dropped so that "ONE HUNDRED AND TWENTY"
 *   and "120" agree. Possessive and ambiguous 's is kept (DON'T is expanded, MAN'S and IT'S are not).
 */
export type NormalizeStyle = 'basic' | 'whisper-english';

/** Options of `normalizeText`. */
export interface NormalizeOptions {
  style: NormalizeStyle;
}

/** Normalises a transcript for WER; apply the same style to references and hypotheses. */
export function normalizeText(text: string, options: NormalizeOptions): string {
  if (options.style === 'basic') return basic(prepare(text));
  if (options.style === 'whisper-english') return whisperEnglish(prepare(text));
  throw new OptionError('style', `must be 'basic' or 'whisper-english', got '${String(options.style)}'`);
}

/** Compatibility forms folded (NFKC) and typographic apostrophes made plain. */
function prepare(text: string): string {
  return text.normalize('NFKC').replace(/[\u2018\u2019\u02bc\u0060\u00b4]/g, "'");
}

function basic(text: string): string {
  return text
    .toUpperCase()
    .replace(/[^\p{L}\p{N}'\s]/gu, ' ') // punctuation and symbols split words, like spaces
    .replace(/(?<![\p{L}\p{N}])'|'(?![\p{L}\p{N}])/gu, ' ') // apostrophes not inside a word
    .replace(/\s+/g, ' ')
    .trim();
}

// Whole-word contractions first (they are irregular), then the regular suffixes. "'s" is left alone:
// it may be "is", "has" or a possessive, and Whisper does not expand it either.
const IRREGULAR_CONTRACTIONS: ReadonlyArray<[RegExp, string]> = [
  [/\bwon't\b/g, 'will not'],
  [/\bcan't\b/g, 'can not'],
  [/\bshan't\b/g, 'shall not'],
  [/\bain't\b/g, 'aint'],
  [/\blet's\b/g, 'let us'],
  [/\by'all\b/g, 'you all'],
  [/\b(\w+)'s (been|gone|got)\b/g, '$1 has $2'],
  [/\b(\w+)'d (been|gone|done)\b/g, '$1 had $2'],
];
const CONTRACTION_SUFFIXES: ReadonlyArray<[RegExp, string]> = [
  [/n't\b/g, ' not'],
  [/'re\b/g, ' are'],
  [/'ll\b/g, ' will'],
  [/'ve\b/g, ' have'],
  [/'m\b/g, ' am'],
  [/'d\b/g, ' would'],
];

const TITLES: Readonly<Record<string, string>> = {
  MR: 'MISTER',
  MRS: 'MISSUS',
  MS: 'MISS',
  DR: 'DOCTOR',
  PROF: 'PROFESSOR',
  ST: 'SAINT',
  CAPT: 'CAPTAIN',
  REV: 'REVEREND',
  JR: 'JUNIOR',
  SR: 'SENIOR',
};
const FILLERS = new Set(['HMM', 'MM', 'MHM', 'MMM', 'UH', 'UM']);

function whisperEnglish(text: string): string {
  let s = text.toLowerCase();
  s = s.replace(/\[[^\]]*\]|\([^)]*\)/g, ' '); // [inaudible], (laughs)
  for (const [pattern, replacement] of IRREGULAR_CONTRACTIONS) s = s.replace(pattern, replacement);
  for (const [pattern, replacement] of CONTRACTION_SUFFIXES) s = s.replace(pattern, replacement);
  s = s.replace(/(\d),(?=\d{3}\b)/g, '$1'); // 1,000 -> 1000
  s = s.replace(/(\d)\.(\d+)/g, (_, whole: string, fraction: string) => `${whole} point ${fraction.split('').join(' ')}`); // 3.14 -> 3 point 1 4
  s = s.replace(/%/g, ' percent');
  const tokens = basic(s)
    .split(' ')
    .filter((w) => w !== '' && !FILLERS.has(w))
    .flatMap((w) => (TITLES[w] ?? numberToWords(w) ?? w).split(' '));
  return dropAndInNumbers(tokens).join(' ');
}

const UNITS = ['ZERO', 'ONE', 'TWO', 'THREE', 'FOUR', 'FIVE', 'SIX', 'SEVEN', 'EIGHT', 'NINE', 'TEN', 'ELEVEN', 'TWELVE', 'THIRTEEN', 'FOURTEEN', 'FIFTEEN', 'SIXTEEN', 'SEVENTEEN', 'EIGHTEEN', 'NINETEEN'];
const TENS = ['', '', 'TWENTY', 'THIRTY', 'FORTY', 'FIFTY', 'SIXTY', 'SEVENTY', 'EIGHTY', 'NINETY'];
const SCALES: ReadonlyArray<[number, string]> = [
  [1e9, 'BILLION'],
  [1e6, 'MILLION'],
  [1e3, 'THOUSAND'],
];
const ORDINAL_WORDS: Readonly<Record<string, string>> = {
  ONE: 'FIRST',
  TWO: 'SECOND',
  THREE: 'THIRD',
  FIVE: 'FIFTH',
  EIGHT: 'EIGHTH',
  NINE: 'NINTH',
  TWELVE: 'TWELFTH',
};

/**
 * "21" -> "TWENTY ONE", "21ST" -> "TWENTY FIRST", below 10^12; other tokens -> undefined. Cardinals
 * are read digit group by digit group without "AND" (1845 is ONE THOUSAND EIGHT HUNDRED FORTY FIVE,
 * not a year reading: that is the documented limit of this simple rule).
 */
export function numberToWords(token: string): string | undefined {
  const match = /^(\d{1,12})(ST|ND|RD|TH)?$/.exec(token);
  if (match === null) return undefined;
  const cardinal = cardinalWords(Number(match[1]));
  if (match[2] === undefined) return cardinal;
  const parts = cardinal.split(' ');
  const last = parts[parts.length - 1];
  parts[parts.length - 1] = ORDINAL_WORDS[last] ?? (last.endsWith('Y') ? `${last.slice(0, -1)}IETH` : `${last}TH`);
  return parts.join(' ');
}

function cardinalWords(n: number): string {
  if (n < 1000) return belowThousand(n);
  const parts: string[] = [];
  let rest = n;
  for (const [scale, name] of SCALES) {
    if (rest >= scale) {
      parts.push(belowThousand(Math.floor(rest / scale)), name);
      rest %= scale;
    }
  }
  if (rest > 0) parts.push(belowThousand(rest));
  return parts.join(' ');
}

function belowThousand(n: number): string {
  const parts: string[] = [];
  if (n >= 100) {
    parts.push(UNITS[Math.floor(n / 100)], 'HUNDRED');
    n %= 100;
    if (n === 0) return parts.join(' ');
  }
  if (n < 20) parts.push(UNITS[n]);
  else parts.push(TENS[Math.floor(n / 10)], ...(n % 10 > 0 ? [UNITS[n % 10]] : []));
  return parts.join(' ');
}

const SCALE_WORDS = new Set(['HUNDRED', 'THOUSAND', 'MILLION', 'BILLION']);
const SMALL_NUMBER_WORDS = new Set([...UNITS.slice(1), ...TENS.filter((t) => t !== '')]);

/** "HUNDRED AND TWENTY" -> "HUNDRED TWENTY": the British "and" inside a spelled number. */
function dropAndInNumbers(tokens: string[]): string[] {
  return tokens.filter((w, i) => !(w === 'AND' && i > 0 && SCALE_WORDS.has(tokens[i - 1]) && SMALL_NUMBER_WORDS.has(tokens[i + 1] ?? '')));
}
