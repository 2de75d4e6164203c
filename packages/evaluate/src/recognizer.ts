import fs from 'node:fs/promises';
import path from 'node:path';
import { FormatError, ModelError, PathError, type Matrix, type TensorEngine } from '@speechfold/core';
import { whisperLogMel } from '@speechfold/audio';
import { loadHubert } from '@speechfold/runtime-hubert';
import { loadWhisper, transcribe as whisperTranscribe } from '@speechfold/runtime-whisper';

/** Speech to text for one model: the evaluator only needs this. */
export interface Recognizer {
  /** 'hubert' or 'whisper'. */
  readonly kind: string;
  /** Text of 16 kHz mono samples. */
  transcribe(samples: Float32Array): Promise<string>;
}

/** Options of the Whisper recognizer. */
export interface RecognizerOptions {
  /** Whisper: most tokens generated per utterance (default: the generation config's limit). */
  maxNewTokens?: number;
}

/** Loads the model in `dir` with the runtime its config.json names (model_type hubert or whisper). */
export async function loadRecognizer(dir: string, engine: TensorEngine, options: RecognizerOptions = {}): Promise<Recognizer> {
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
    const model = await loadHubert(dir, engine);
    return { kind: 'hubert', transcribe: (samples) => model.transcribe(samples) };
  }
  if (config.model_type === 'whisper') {
    const model = await loadWhisper(dir, engine);
    const nMels = model.config.num_mel_bins;
    return {
      kind: 'whisper',
      transcribe: async (samples) => {
        const mel = whisperLogMel(samples, { nMels });
        const features: Matrix = { data: mel.data, rows: mel.nMels, cols: mel.nFrames };
        return (await whisperTranscribe(model, features, { maxNewTokens: options.maxNewTokens })).text;
      },
    };
  }
  throw new ModelError({ file: configPath }, `cannot evaluate model_type '${String(config.model_type)}'; supported: hubert, whisper`);
}
