/** Greedy CTC decoding: best id per frame, repeats collapsed, blanks and specials dropped. */
import { Matrix } from '@speechfold/core';
import { CtcVocabulary } from './vocabulary';

/** The highest-scoring id of every row of logits [frames, vocab] (ties: the lowest id, as torch.argmax). */
export function argmaxRows(logits: Matrix): Int32Array {
  const { data, rows, cols } = logits;
  const ids = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    let best = 0;
    for (let c = 1; c < cols; c++) if (data[base + c] > data[base + best]) best = c;
    ids[r] = best;
  }
  return ids;
}

/** Ids after CTC collapsing: runs of one id become one, then blanks are removed. */
export function collapseCtc(ids: ArrayLike<number>, blankId: number): number[] {
  const out: number[] = [];
  let previous = -1;
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i];
    if (id !== previous && id !== blankId) out.push(id);
    previous = id;
  }
  return out;
}

/**
 * Text of per-frame ids, as Wav2Vec2CTCTokenizer.decode: repeats grouped, then the blank and other
 * special tokens dropped, the word delimiter turned into a space, the ends trimmed. (HF keeps
 * special tokens other than the blank as literal text; here they never reach the text.)
 */
export function ctcDecode(ids: ArrayLike<number>, vocabulary: CtcVocabulary): string {
  let text = '';
  for (const id of collapseCtc(ids, vocabulary.blankId)) {
    if (vocabulary.specialIds.has(id)) continue;
    const token = vocabulary.tokens[id];
    if (token === undefined) continue;
    text += token === vocabulary.wordDelimiter ? ' ' : token;
  }
  return text.trim();
}
