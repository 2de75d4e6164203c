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
  for (const [index, utt] of chosen.entries()) {
    const t0 = Date.now();
    const skip = (item: SkippedItem): void => {
      skipped.push(item);
      progress({ type: 'warning', message: `skipped ${utt.id} (${item.reason}): ${item.message}` });
    };
    try {
      const audio = await decodeAudioFile(utt.audioPath, { resample: options.resample === true, onProgress: progress });
      // What the model cannot take whole is skipped under a named reason, never cut or left to crash.
      const problem = recognizer.lengthProblem?.(audio.samples.length);
      if (problem !== undefined) {
        if (options.strict) throw new MethodError({ file: utt.audioPath }, `${problem.message} (--strict stops at the first skipped utterance)`);
        skip({ id: utt.id, file: utt.audioPath, reason: problem.reason, message: `${utt.audioPath}: ${problem.message}` });
      } else {
        const hypRaw = await recognizer.transcribe(audio.samples);
        results.push({
          id: utt.id,
          ref: normalizeText(utt.reference, { style: normalizer }),
          hyp: normalizeText(hypRaw, { style: normalizer }),
          hypRaw,
          audioSeconds: audio.samples.length / audio.sampleRate,
          seconds: (Date.now() - t0) / 1000,
        });
      }
    } catch (error) {
      // A bad file or an input the runtime refuses is counted and skipped; an error of the model or
      // engine is not the utterance's fault and stops the run.
      if (options.strict) throw error;
      if (error instanceof InputLengthError) {
        skip({ id: utt.id, file: utt.audioPath, reason: error.reason, message: `${utt.audioPath}: ${error.message}` });
      } else if (error instanceof SpeechfoldError && isInputError(error)) {
        skip({ id: utt.id, file: utt.audioPath, reason: 'bad-audio', message: error.message });
      } else {
        throw error;
      }
    }
    progress({ type: 'step', stage: 'eval', done: index + 1, total: chosen.length, item: utt.id });
  }
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

/** Errors that belong to one input file (decoding, format, path), as opposed to the model or engine. */
function isInputError(error: SpeechfoldError): boolean {
  return error.code === 'E_FORMAT' || error.code === 'E_PATH';
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
