import { normalizeText, type NormalizeStyle } from './normalize';

/**
 * Word error rate by word-level Levenshtein alignment.
 *
 * Several alignments can share the minimal edit count while splitting it differently between
 * substitutions, deletions and insertions (reference "A B" vs hypothesis "B A": two substitutions,
 * or one deletion and one insertion). We pick the one jiwer reports: jiwer 4 takes rapidfuzz's
 * Levenshtein opcodes, which strip the common prefix and suffix as matches and then backtrace
 * Hyyrö's bit-parallel matrix from the end preferring, at each cell, a deletion when the cell is one
 * more than the cell above, else an insertion when the cell to the left is one less than the cell
 * diagonally above it, else the diagonal (match or substitution). The same rules on the plain
 * dynamic-programming matrix give the same choices, which the jiwer fixture test checks.
 */

/** Edit counts of one alignment (or a sum of them). */
export interface WerCounts {
  substitutions: number;
  deletions: number;
  insertions: number;
  /** Reference words matched exactly. */
  hits: number;
  referenceWords: number;
  hypothesisWords: number;
}

/** Counts and the rate: (S + D + I) / reference words. */
export interface WerResult extends WerCounts {
  /**
   * (S + D + I) / N. With an empty reference (N = 0) this is the number of inserted words, as jiwer
   * reports it: 0 when the hypothesis is empty too, and not a rate.
   */
  wer: number;
}

/** One reference/hypothesis pair for `corpusWer`. */
export interface TranscriptPair {
  reference: string;
  hypothesis: string;
}

/** Options of `wer` and `corpusWer`. */
export interface WerOptions {
  /** Normalise both sides with `normalizeText` first; without it the texts are only split on whitespace. */
  style?: NormalizeStyle;
}

/** Splits on runs of whitespace; an empty or blank text has no words. */
export function words(text: string): string[] {
  const trimmed = text.trim();
  return trimmed === '' ? [] : trimmed.split(/\s+/);
}

/** Aligns two word sequences and counts the edits (the alignment jiwer reports, see above). */
export function alignWords(reference: readonly string[], hypothesis: readonly string[]): WerCounts {
  const counts: WerCounts = { substitutions: 0, deletions: 0, insertions: 0, hits: 0, referenceWords: reference.length, hypothesisWords: hypothesis.length };
  // The common prefix and suffix are matches, and are taken out before the matrix (as rapidfuzz does;
  // it changes which of several equal-cost alignments the backtrace finds).
  let prefix = 0;
  while (prefix < reference.length && prefix < hypothesis.length && reference[prefix] === hypothesis[prefix]) prefix++;
  let suffix = 0;
  while (
    suffix < reference.length - prefix &&
    suffix < hypothesis.length - prefix &&
    reference[reference.length - 1 - suffix] === hypothesis[hypothesis.length - 1 - suffix]
  ) {
    suffix++;
  }
  counts.hits = prefix + suffix;
  const ref = reference.slice(prefix, reference.length - suffix);
  const hyp = hypothesis.slice(prefix, hypothesis.length - suffix);

  // d[i * width + j]: edit distance between the first i reference and first j hypothesis words.
  const width = hyp.length + 1;
  const d = new Int32Array((ref.length + 1) * width);
  for (let i = 0; i <= ref.length; i++) d[i * width] = i;
  for (let j = 0; j <= hyp.length; j++) d[j] = j;
  for (let i = 1; i <= ref.length; i++) {
    for (let j = 1; j <= hyp.length; j++) {
      const diagonal = d[(i - 1) * width + j - 1] + (ref[i - 1] === hyp[j - 1] ? 0 : 1);
      d[i * width + j] = Math.min(diagonal, d[(i - 1) * width + j] + 1, d[i * width + j - 1] + 1);
    }
  }

  let i = ref.length;
  let j = hyp.length;
  while (i > 0 && j > 0) {
    const here = d[i * width + j];
    if (here === d[(i - 1) * width + j] + 1) {
      counts.deletions++;
      i--;
    } else if (d[i * width + j - 1] === d[(i - 1) * width + j - 1] - 1) {
      counts.insertions++;
      j--;
    } else {
      if (ref[i - 1] === hyp[j - 1]) counts.hits++;
      else counts.substitutions++;
      i--;
      j--;
    }
  }
  counts.deletions += i;
  counts.insertions += j;
  return counts;
}

/** WER of one utterance: split on whitespace (after normalising when `options.style` is given). */
export function wer(reference: string, hypothesis: string, options: WerOptions = {}): WerResult {
  return withRate(alignWords(prepare(reference, options), prepare(hypothesis, options)));
}

/**
 * Corpus WER: total edits over total reference words, each utterance aligned on its own (not the mean
 * of per-utterance rates, which would weigh short utterances as much as long ones).
 */
export function corpusWer(pairs: readonly TranscriptPair[], options: WerOptions = {}): WerResult {
  const total: WerCounts = { substitutions: 0, deletions: 0, insertions: 0, hits: 0, referenceWords: 0, hypothesisWords: 0 };
  for (const pair of pairs) {
    const counts = alignWords(prepare(pair.reference, options), prepare(pair.hypothesis, options));
    total.substitutions += counts.substitutions;
    total.deletions += counts.deletions;
    total.insertions += counts.insertions;
    total.hits += counts.hits;
    total.referenceWords += counts.referenceWords;
    total.hypothesisWords += counts.hypothesisWords;
  }
  return withRate(total);
}

function prepare(text: string, options: WerOptions): string[] {
  return words(options.style === undefined ? text : normalizeText(text, { style: options.style }));
}

function withRate(counts: WerCounts): WerResult {
  const edits = counts.substitutions + counts.deletions + counts.insertions;
  return { ...counts, wer: counts.referenceWords === 0 ? counts.insertions : edits / counts.referenceWords };
}
