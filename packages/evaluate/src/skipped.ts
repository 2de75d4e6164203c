/**
 * What an evaluation leaves out and why. Nothing is silently dropped or cut: every dataset problem
 * and every utterance that cannot be scored becomes a SkippedItem with a named reason, and the run
 * goes on (`strict` stops at the first instead).
 */
import type { DatasetProblem } from '@speechfold/audio';

/**
 * Why an item was skipped:
 * - a DatasetProblem kind (`missing-audio`, `missing-transcript`, `unreadable-transcript`,
 *   `malformed-line` (also a list entry without a reference), `duplicate-id`, `unsupported-audio`):
 *   the loader could not pair audio and reference;
 * - `bad-audio`: the audio file cannot be read or decoded, or has another sample rate than 16 kHz
 *   without `resample`;
 * - `too-short`: fewer samples than the model takes (HuBERT: its conv feature extractor's receptive
 *   field, 400 samples = 25 ms with the stock kernels and strides);
 * - `too-long`: more samples than the model takes (Whisper: its 30 s window, long-form transcription
 *   is not supported; HuBERT: the length limit, 60 s by default, `maxAudioSeconds`).
 */
export type SkipReason = DatasetProblem['kind'] | 'bad-audio' | 'too-short' | 'too-long';

/** An utterance that could not be evaluated, or a dataset problem. */
export interface SkippedItem {
  id?: string;
  file: string;
  reason: SkipReason;
  /** Names the file (and line) and what is wrong. */
  message: string;
}

/** The skipped item of a dataset problem. */
export function skippedProblem(p: DatasetProblem): SkippedItem {
  const message = `${p.file}${p.line !== undefined ? `:${p.line}` : ''}: ${p.kind}${p.id ? ` (${p.id})` : ''}: ${p.message}`;
  return { id: p.id, file: p.file, reason: p.kind, message };
}
