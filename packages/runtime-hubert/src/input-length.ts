/**
 * The input lengths a HuBERT forward pass takes, and the named reason for refusing any other.
 *
 * Shortest: the conv feature extractor's receptive field. Each conv layer (kernel k, stride s, no
 * padding) turns n inputs into floor((n - k) / s) + 1 outputs, so one output frame of the whole stack
 * needs r samples with r = 1 for the last output and r <- (r - 1) * s + k going back through the layers:
 * 400 samples (25 ms at 16 kHz) for the stock kernels [10, 3, 3, 3, 3, 2, 2] and strides
 * [5, 2, 2, 2, 2, 2, 2]. Anything shorter gives no frame (transformers fails on it too).
 *
 * Longest: a fixed, documented maximum, 60 s by default (`loadHubert`'s `maxSeconds`). The forward
 * pass holds the whole utterance (no streaming): self-attention builds a [frames x frames] float32
 * score matrix per head (frames = samples / 320: 3000 frames and 36 MB at 60 s, but 30000 frames and
 * 3.6 GB at 600 s, plus the engine's copies), and the first conv layers hold conv_dim x samples / 5
 * floats (0.4 GB at 60 s for conv_dim 512). Measured peak memory (process, weights included) at 60 s:
 * 0.34 GB on hubert-tiny, 2.1 GB on hubert-base; a 600 s utterance took about 10 GB on hubert-tiny.
 * 60 s is well above every LibriSpeech utterance (the corpus cuts them at 35 s) and the 15.6 s crops
 * HuBERT was pre-trained on, so no evaluation set loses an utterance to it, while a stray hour-long
 * file is refused at once instead of exhausting memory.
 */
import { OptionError } from '@speechfold/core';

/** Default longest input, in seconds (see the module comment). */
export const DEFAULT_MAX_SECONDS = 60;

/** Why an input cannot be run: a stable reason and a message stating the length and the limit. */
export interface InputLengthProblem {
  reason: 'too-short' | 'too-long';
  message: string;
}

/** The length limits of one loaded model, in samples at its sampling rate. */
export interface InputLengthLimits {
  /** The conv stack's receptive field: the fewest samples that make one frame. */
  minSamples: number;
  /** The longest input run (maxSeconds x samplingRate, rounded down). */
  maxSamples: number;
  samplingRate: number;
}

/** A conv layer as far as lengths go. */
export interface ConvGeometry {
  kernel: number;
  stride: number;
}

/** The fewest input samples for which the conv stack (unpadded) makes one frame. */
export function receptiveField(layers: readonly ConvGeometry[]): number {
  let samples = 1;
  for (let i = layers.length - 1; i >= 0; i--) samples = (samples - 1) * layers[i].stride + layers[i].kernel;
  return samples;
}

/** Checks a `maxSeconds` option: a positive finite number of seconds. */
export function checkMaxSeconds(maxSeconds: number, option = 'maxSeconds'): number {
  if (typeof maxSeconds !== 'number' || !Number.isFinite(maxSeconds) || maxSeconds <= 0) {
    throw new OptionError(option, `expected a positive number of seconds, got ${JSON.stringify(maxSeconds)}`);
  }
  return maxSeconds;
}

/** The limits for a conv stack, a sampling rate and a maximum duration. */
export function inputLengthLimits(layers: readonly ConvGeometry[], samplingRate: number, maxSeconds: number = DEFAULT_MAX_SECONDS): InputLengthLimits {
  const minSamples = receptiveField(layers);
  const maxSamples = Math.max(minSamples, Math.floor(checkMaxSeconds(maxSeconds) * samplingRate));
  return { minSamples, maxSamples, samplingRate };
}

/** What is wrong with an input of `samples` samples, or undefined when the model takes it. */
export function inputLengthProblem(samples: number, limits: InputLengthLimits): InputLengthProblem | undefined {
  const { minSamples, maxSamples, samplingRate } = limits;
  const duration = `${samples} samples (${formatSeconds(samples / samplingRate)} at ${samplingRate} Hz)`;
  if (samples < minSamples) {
    return {
      reason: 'too-short',
      message: `too short for HuBERT: ${duration}, the conv feature extractor needs at least ${minSamples} samples (its receptive field, from conv_kernel and conv_stride) to make one frame`,
    };
  }
  if (samples > maxSamples) {
    return {
      reason: 'too-long',
      message: `too long for HuBERT: ${duration}, the limit is ${maxSamples} samples (${formatSeconds(maxSamples / samplingRate)}; maxSeconds) because the forward pass holds the whole utterance and its attention grows with the square of the length`,
    };
  }
  return undefined;
}

function formatSeconds(seconds: number): string {
  return `${Number(seconds.toPrecision(4))} s`;
}
