import fs from 'node:fs/promises';
import path from 'node:path';
import { FormatError, MethodError, ModelError, OptionError, PathError, type Matrix, type TensorEngine } from '@speechfold/core';
import { WHISPER_CHUNK_SAMPLES, WHISPER_SAMPLE_RATE, whisperLogMel } from '@speechfold/audio';
import { loadHubert } from '@speechfold/runtime-hubert';
import { loadWhisper, transcribeBatch, transcribe as whisperTranscribe } from '@speechfold/runtime-whisper';

/** Why an input cannot be transcribed whole: a stable reason and a message stating length and limit. */
export interface LengthProblem {
  reason: 'too-short' | 'too-long';
  message: string;
}

/** Speech to text for one model: the evaluator only needs this. */
export interface Recognizer {
  /** 'hubert' or 'whisper'. */
  readonly kind: string;
  /**
   * Why this many 16 kHz samples cannot be transcribed whole (too short or too long for the model), or
   * undefined when they can. `evaluate` skips such an utterance under the reason instead of scoring a
   * cut or failed hypothesis. Absent: every length is taken.
   */
  lengthProblem?(samples: number): LengthProblem | undefined;
  /** Text of 16 kHz mono samples. */
  transcribe(samples: Float32Array): Promise<string>;
  /**
   * Texts of several utterances transcribed together (Whisper: decoded as one batch), each what
   * transcribe gives for it. Present when the recognizer batches; `evaluate` hands it up to
   * `batchSize` utterances at a time.
   */
  transcribeBatch?(samples: readonly Float32Array[]): Promise<string[]>;
  /** Utterances per transcribeBatch call. */
  readonly batchSize?: number;
}

/** Options of the recognizers. */
export interface RecognizerOptions {
  /** Whisper: most tokens generated per utterance (default: the generation config's limit). */
  maxNewTokens?: number;
  /**
   * Longest utterance transcribed, in seconds; a longer one is skipped as 'too-long'. HuBERT: any
   * positive number, default 60 (the runtime's memory bound: the forward pass holds the whole
   * utterance). Whisper: at most 30, the default (its window; long-form transcription is not supported).
   */
  maxAudioSeconds?: number;
  /**
   * Whisper: utterances decoded together, one decoder step serving all of them (default
   * DEFAULT_WHISPER_BATCH_SIZE; 1 decodes one at a time). The transcripts do not depend on it.
   */
  batchSize?: number;
}

/** Whisper utterances decoded together by default: the fastest in the batch-size table of docs/evaluation.md. */
export const DEFAULT_WHISPER_BATCH_SIZE = 4;

/** Whisper's window: the 30 s of audio one set of log-mel features covers (whisperLogMel cuts the rest). */
export const WHISPER_WINDOW_SECONDS = WHISPER_CHUNK_SAMPLES / WHISPER_SAMPLE_RATE;

/** Loads the model in `dir` with the runtime its config.json names (model_type hubert or whisper). */
export async function loadRecognizer(dir: string, engine: TensorEngine, options: RecognizerOptions = {}): Promise<Recognizer> {
  const maxAudioSeconds = checkMaxAudioSeconds(options.maxAudioSeconds);
  const batchSize = options.batchSize ?? DEFAULT_WHISPER_BATCH_SIZE;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new OptionError('batchSize', `expected a positive integer, got ${JSON.stringify(options.batchSize)}`);
  const configPath = path.join(dir, 'config.json');
  const text = await fs.readFile(configPath, 'utf8').catch(() => {
    throw new PathError(dir, 'not a model dir: expected a config.json in it');
  });
  let config: { model_type?: unknown };
  try {
    config = JSON.parse(text) as { model_type?: unknown };
  } catch (cause) {
    throw new FormatError({ file: configPath }, `expected JSON: ${(cause as Error).message}`);
  }
  if (config.model_type === 'hubert') {
    const model = await loadHubert(dir, engine, { maxSeconds: maxAudioSeconds });
    return {
      kind: 'hubert',
      lengthProblem: (samples) => model.inputLengthProblem(samples),
      transcribe: (samples) => model.transcribe(samples),
    };
  }
  if (config.model_type === 'whisper') {
    if (maxAudioSeconds !== undefined && maxAudioSeconds > WHISPER_WINDOW_SECONDS) {
      throw new OptionError('maxAudioSeconds', `${maxAudioSeconds} s is longer than Whisper's ${WHISPER_WINDOW_SECONDS} s window; long-form transcription is not supported`);
    }
    const model = await loadWhisper(dir, engine);
    const nMels = model.config.num_mel_bins;
    const lengthProblem = whisperLengthProblem(maxAudioSeconds ?? WHISPER_WINDOW_SECONDS);
    const features = (samples: Float32Array): Matrix => {
      // whisperLogMel would cut the audio to 30 s: a hypothesis of part of it must never be scored.
      const problem = lengthProblem(samples.length);
      if (problem !== undefined) throw new MethodError({}, problem.message);
      const mel = whisperLogMel(samples, { nMels });
      return { data: mel.data, rows: mel.nMels, cols: mel.nFrames };
    };
    const decoding = { maxNewTokens: options.maxNewTokens };
    return {
      kind: 'whisper',
      lengthProblem,
      batchSize,
      transcribe: async (samples) => (await whisperTranscribe(model, features(samples), decoding)).text,
      transcribeBatch: async (batch) => (await transcribeBatch(model, batch.map(features), decoding)).map((r) => r.text),
    };
  }
  throw new ModelError({ file: configPath }, `cannot evaluate model_type '${String(config.model_type)}'; supported: hubert, whisper`);
}

function checkMaxAudioSeconds(value: number | undefined): number | undefined {
  if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value) || value <= 0)) {
    throw new OptionError('maxAudioSeconds', `expected a positive number of seconds, got ${JSON.stringify(value)}`);
  }
  return value;
}

/** Whisper takes up to `maxSeconds` (at most its 30 s window) of 16 kHz audio, and any shorter input (padded). */
function whisperLengthProblem(maxSeconds: number): (samples: number) => LengthProblem | undefined {
  const maxSamples = Math.floor(maxSeconds * WHISPER_SAMPLE_RATE);
  return (samples) => {
    if (samples <= maxSamples) return undefined;
    const length = `${samples} samples (${Number((samples / WHISPER_SAMPLE_RATE).toPrecision(4))} s)`;
    const message =
      maxSeconds >= WHISPER_WINDOW_SECONDS
        ? `too long: ${length} is longer than Whisper's ${WHISPER_WINDOW_SECONDS} s window; long-form transcription is not supported`
        : `too long: ${length} is longer than the limit of ${maxSeconds} s (maxAudioSeconds)`;
    return { reason: 'too-long', message };
  };
}
