import fs from 'node:fs/promises';
import { MethodError, PathError, SpeechfoldError, type ProgressListener, silentProgress } from '@speechfold/core';
import { decodeAudioFile, loadFileList, loadLibriSpeech, type DatasetProblem, type Utterance } from '@speechfold/audio';
import { corpusWer, normalizeText, type NormalizeStyle } from '@speechfold/metrics';
import { InputLengthError } from '@speechfold/runtime-hubert';
import type { Recognizer } from './recognizer';
import { skippedProblem, type SkippedItem } from './skipped';

/** What to evaluate on and how. */
export interface EvaluateOptions {
  /** A LibriSpeech split dir (speaker/chapter/*.flac + *.trans.txt) or a list file (path<TAB>reference per line). */
  data: string;
  /** Evaluate only the first N utterances (sorted by id for LibriSpeech). */
  limit?: number;
  /** Any dataset problem or skipped utterance stops the run (default: recorded in `skipped` and the run goes on). */
  strict?: boolean;
  /** Resample files that are not 16 kHz (default: such a file is a failed utterance). */
  resample?: boolean;
  /** Text normaliser applied to both sides before scoring (default: basic for HuBERT, whisper-english for Whisper). */
  normalizer?: NormalizeStyle;
  progress?: ProgressListener;
}

/** One scored utterance: normalised reference and hypothesis, and the raw hypothesis. */
export interface UtteranceResult {
  id: string;
  ref: string;
  hyp: string;
  hypRaw: string;
  audioSeconds: number;
  seconds: number;
}

/** The result of `evaluate` (and the JSON `speechfold eval --json` writes). */
export interface EvaluationReport {
  wer: number;
  words: number;
  substitutions: number;
  deletions: number;
  insertions: number;
  utterances: UtteranceResult[];
  /** Dataset problems and utterances not scored, each with its reason (see skipped.ts); none is in the WER. */
  skipped: SkippedItem[];
  normalizer: NormalizeStyle;
  /** Wall seconds of the whole evaluation (decode + features + inference). */
  seconds: number;
  /** Seconds of audio evaluated. */
  audioSeconds: number;
  /** Real-time factor: processing seconds per second of audio. */
  rtf: number;
}

/** Transcribes every utterance of the data with the recognizer and scores corpus WER. */
export async function evaluate(recognizer: Recognizer, options: EvaluateOptions): Promise<EvaluationReport> {
  const progress = options.progress ?? silentProgress;
  const normalizer = options.normalizer ?? (recognizer.kind === 'whisper' ? 'whisper-english' : 'basic');
  const started = Date.now();
  const { utterances, problems } = await loadData(options.data);
  const skipped: SkippedItem[] = problems.map(skippedProblem);
  if (options.strict && skipped.length > 0) {
    throw new MethodError({ file: skipped[0].file }, `${skipped[0].message} (--strict stops at the first problem; ${skipped.length} in all)`);
  }
  const chosen = options.limit === undefined ? utterances : utterances.slice(0, options.limit);
  progress({ type: 'stage', stage: 'eval', total: chosen.length });
  const results: UtteranceResult[] = [];
  const batchSize = recognizer.transcribeBatch === undefined ? 1 : (recognizer.batchSize ?? 1);
  // Utterances read and waiting to be transcribed together, and the ids whose progress step waits
  // for them (so steps are reported in the data's order).
  const batch: ReadyUtterance[] = [];
  const unreported: string[] = [];
  let done = 0;
  const report = (): void => {
    for (const item of unreported.splice(0)) progress({ type: 'step', stage: 'eval', done: ++done, total: chosen.length, item });
  };
  const skip = (utt: Utterance, item: SkippedItem): void => {
    skipped.push(item);
    progress({ type: 'warning', message: `skipped ${utt.id} (${item.reason}): ${item.message}` });
  };
  // A bad file or an input the runtime refuses is counted and skipped; an error of the model or
  // engine is not the utterance's fault and stops the run.
  const failed = (utt: Utterance, error: unknown): void => {
    if (options.strict || !isUtteranceError(error)) throw error;
    const reason = error instanceof InputLengthError ? error.reason : 'bad-audio';
    const message = error instanceof InputLengthError ? `${utt.audioPath}: ${error.message}` : (error as Error).message;
    skip(utt, { id: utt.id, file: utt.audioPath, reason, message });
  };
  const flush = async (): Promise<void> => {
    const items = batch.splice(0);
    const t0 = Date.now();
    const texts = await transcribeEach(recognizer, items, failed);
    const share = (Date.now() - t0) / 1000 / Math.max(1, items.length);
    items.forEach((item, i) => {
      const hypRaw = texts[i];
      if (hypRaw === undefined) return;
      results.push({
        id: item.utt.id,
        ref: normalizeText(item.utt.reference, { style: normalizer }),
        hyp: normalizeText(hypRaw, { style: normalizer }),
        hypRaw,
        audioSeconds: item.samples.length / item.sampleRate,
        seconds: item.readSeconds + share,
      });
    });
    report();
  };
  for (const utt of chosen) {
    const t0 = Date.now();
    unreported.push(utt.id);
    try {
      const audio = await decodeAudioFile(utt.audioPath, { resample: options.resample === true, onProgress: progress });
      // What the model cannot take whole is skipped under a named reason, never cut or left to crash.
      const problem = recognizer.lengthProblem?.(audio.samples.length);
      if (problem !== undefined) {
        if (options.strict) throw new MethodError({ file: utt.audioPath }, `${problem.message} (--strict stops at the first skipped utterance)`);
        skip(utt, { id: utt.id, file: utt.audioPath, reason: problem.reason, message: `${utt.audioPath}: ${problem.message}` });
      } else {
        batch.push({ utt, samples: audio.samples, sampleRate: audio.sampleRate, readSeconds: (Date.now() - t0) / 1000 });
      }
    } catch (error) {
      failed(utt, error);
    }
    if (batch.length >= batchSize) await flush();
    else if (batch.length === 0) report();
  }
  await flush();
  // A WER over nothing would read as a perfect 0%: an evaluation that scored no utterance is a failure.
  if (results.length === 0) {
    const first = skipped.length > 0 ? `; the first: ${skipped[0].message}` : '';
    throw new PathError(options.data, `no utterance could be scored (${skipped.length} skipped${first})`);
  }
  const score = corpusWer(results.map((r) => ({ reference: r.ref, hypothesis: r.hyp })));
  const audioSeconds = results.reduce((s, r) => s + r.audioSeconds, 0);
  const seconds = (Date.now() - started) / 1000;
  return {
    wer: score.wer,
    words: score.referenceWords,
    substitutions: score.substitutions,
    deletions: score.deletions,
    insertions: score.insertions,
    utterances: results,
    skipped,
    normalizer,
    seconds,
    audioSeconds,
    rtf: audioSeconds > 0 ? seconds / audioSeconds : 0,
  };
}

/** An utterance read and waiting for transcription. */
interface ReadyUtterance {
  utt: Utterance;
  samples: Float32Array;
  sampleRate: number;
  /** Seconds spent reading and decoding its file. */
  readSeconds: number;
}

/**
 * The transcripts of the items, in order: together when the recognizer batches and there are
 * several, else one by one. An utterance's own error (see isUtteranceError) goes to `failed` and
 * leaves its transcript undefined; when a batch fails so, its utterances are retried one by one, so
 * the error is charged to the utterance that caused it.
 */
async function transcribeEach(recognizer: Recognizer, items: readonly ReadyUtterance[], failed: (utt: Utterance, error: unknown) => void): Promise<(string | undefined)[]> {
  if (items.length > 1 && recognizer.transcribeBatch !== undefined) {
    try {
      return await recognizer.transcribeBatch(items.map((item) => item.samples));
    } catch (error) {
      if (!isUtteranceError(error)) throw error;
    }
  }
  const texts: (string | undefined)[] = [];
  for (const item of items) {
    try {
      texts.push(await recognizer.transcribe(item.samples));
    } catch (error) {
      failed(item.utt, error);
      texts.push(undefined);
    }
  }
  return texts;
}

/** Errors that belong to one utterance (a length the runtime refuses, decoding, format, path), as opposed to the model or engine. */
function isUtteranceError(error: unknown): boolean {
  if (error instanceof InputLengthError) return true;
  return error instanceof SpeechfoldError && (error.code === 'E_FORMAT' || error.code === 'E_PATH');
}

async function loadData(data: string): Promise<{ utterances: Utterance[]; problems: DatasetProblem[] }> {
  const stat = await fs.stat(data).catch(() => null);
  if (!stat) throw new PathError(data, 'no such data dir or list file (expected a LibriSpeech split dir or a list file)');
  if (stat.isDirectory()) return loadLibriSpeech(data);
  const list = await loadFileList(data);
  const utterances: Utterance[] = [];
  const problems = [...list.problems];
  for (const item of list.utterances) {
    if (item.reference === undefined) {
      problems.push({ kind: 'malformed-line', file: data, id: item.id, message: 'no reference transcript: WER needs "path<TAB>reference"' });
    } else {
      utterances.push({ id: item.id, audioPath: item.audioPath, reference: item.reference });
    }
  }
  if (utterances.length === 0) throw new PathError(data, 'no utterance with a reference transcript in the list');
  return { utterances, problems };
}
