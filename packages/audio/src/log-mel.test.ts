import * as fs from 'node:fs';
import * as path from 'node:path';
import { OptionError } from '@speechfold/core';
import { decodeAudioFile } from './decode';
import { WHISPER_N_FRAMES, whisperLogMel } from './log-mel';
import { LIBRISPEECH, REFERENCE_FIXTURES, float32FromBase64 } from './shared-data.test-helper';

interface FeatureFixture {
  utterance: string;
  storedFrames: number;
  waveform: {
    sampleCount: number;
    firstSamplesInt16: number[];
    sumInt16: number;
    sumAbsInt16: number;
    weightedChecksum: number;
    checksumModulus: number;
  };
  whisper: Record<string, { shape: number[]; firstFrames: string; frameMeans: string; stats: { min: number; max: number; mean: number } }>;
  synthetic: { sampleCount: number; nMels: number; frames: number[]; features: string };
}

// Written by tools/reference/whisper_features_reference.py (HF WhisperFeatureExtractor on the
// soundfile-decoded waveform).
const fixture = JSON.parse(fs.readFileSync(path.join(REFERENCE_FIXTURES, 'whisper-features.json'), 'utf8')) as FeatureFixture;

describe('whisperLogMel on a real LibriSpeech file vs Hugging Face', () => {
  let samples: Float32Array;
  beforeAll(async () => {
    samples = (await decodeAudioFile(path.join(LIBRISPEECH, fixture.utterance))).samples;
  });

  it('starts from the same waveform as soundfile', () => {
    const w = fixture.waveform;
    const ints = Array.from(samples, (v) => v * 32768);
    expect(ints.length).toBe(w.sampleCount);
    expect(ints.slice(0, w.firstSamplesInt16.length)).toEqual(w.firstSamplesInt16);
    let sum = 0;
    let sumAbs = 0;
    let weighted = 0;
    ints.forEach((v, i) => {
      sum += v;
      sumAbs += Math.abs(v);
      weighted += (((v * i) % w.checksumModulus) + w.checksumModulus) % w.checksumModulus;
    });
    expect({ sum, sumAbs, weighted }).toEqual({ sum: w.sumInt16, sumAbs: w.sumAbsInt16, weighted: w.weightedChecksum });
  });

  it.each(['80', '128'])('matches with %s mel bins within 1e-4', (bins) => {
    const reference = fixture.whisper[bins];
    const nMels = Number(bins);
    const ours = whisperLogMel(samples, { nMels });
    expect([ours.nMels, ours.nFrames]).toEqual(reference.shape);

    // The stored frames, every bin.
    const stored = fixture.storedFrames;
    const first = float32FromBase64(reference.firstFrames);
    let maxDiff = 0;
    for (let m = 0; m < nMels; m++) {
      for (let t = 0; t < stored; t++) maxDiff = Math.max(maxDiff, Math.abs(ours.data[m * ours.nFrames + t] - first[m * stored + t]));
    }
    expect(maxDiff).toBeLessThanOrEqual(1e-4);

    // Every frame, through its mean over the bins, and the whole matrix through its extremes and mean.
    const means = float32FromBase64(reference.frameMeans);
    let maxMeanDiff = 0;
    let total = 0;
    let min = Infinity;
    let max = -Infinity;
    for (let t = 0; t < ours.nFrames; t++) {
      let sum = 0;
      for (let m = 0; m < nMels; m++) sum += ours.data[m * ours.nFrames + t];
      maxMeanDiff = Math.max(maxMeanDiff, Math.abs(sum / nMels - means[t]));
      total += sum;
    }
    for (const v of ours.data) (min = Math.min(min, v)), (max = Math.max(max, v));
    expect(maxMeanDiff).toBeLessThanOrEqual(1e-4);
    expect(Math.abs(min - reference.stats.min)).toBeLessThanOrEqual(1e-4);
    expect(Math.abs(max - reference.stats.max)).toBeLessThanOrEqual(1e-4);
    expect(Math.abs(total / ours.data.length - reference.stats.mean)).toBeLessThanOrEqual(1e-5);
  });
});

describe('whisperLogMel on a signal loud at both edges vs Hugging Face', () => {
  it('matches the first and last frames within 1e-4 (reflect padding, truncation to 30 s)', () => {
    const { sampleCount, nMels, frames, features } = fixture.synthetic;
    // The fixture's formula, on the same int16 grid.
    const signal = new Float32Array(sampleCount);
    for (let n = 0; n < sampleCount; n++) {
      const x = 0.5 * Math.sin((2 * Math.PI * 440 * n) / 16000) + 0.25 * Math.sin((2 * Math.PI * 3000 * n) / 16000 + 1);
      signal[n] = Math.round(x * 32767) / 32768;
    }
    const ours = whisperLogMel(signal, { nMels });
    const reference = float32FromBase64(features);
    let maxDiff = 0;
    for (let m = 0; m < nMels; m++) {
      frames.forEach((t, k) => {
        maxDiff = Math.max(maxDiff, Math.abs(ours.data[m * ours.nFrames + t] - reference[m * frames.length + k]));
      });
    }
    expect(maxDiff).toBeLessThanOrEqual(1e-4);
  });
});

describe('whisperLogMel properties', () => {
  it('pads short input and truncates long input to 3000 frames', () => {
    const tone = new Float32Array(16000).map((_, i) => 0.1 * Math.sin(i / 3));
    const long = new Float32Array(600000);
    long.set(tone);
    const short = whisperLogMel(tone);
    const truncated = whisperLogMel(long);
    expect(short.nFrames).toBe(WHISPER_N_FRAMES);
    expect(short.data).toHaveLength(80 * 3000);
    // The same first 30 s (compared by hand: jest's deep equality is slow on 240000 elements).
    let differing = 0;
    for (let i = 0; i < short.data.length; i++) if (truncated.data[i] !== short.data[i]) differing++;
    expect(differing).toBe(0);
  });

  it('clamps to 8 below the maximum, so silence after speech sits at (max - 8 + 4) / 4', () => {
    const tone = new Float32Array(16000).map((_, i) => 0.1 * Math.sin(i / 3));
    const { data } = whisperLogMel(tone);
    let max = -Infinity;
    let min = Infinity;
    for (const v of data) (max = Math.max(max, v)), (min = Math.min(min, v));
    expect(min).toBeCloseTo(max - 2, 6); // 8 in log10 units is 2 after dividing by 4
    expect(data[80 * 3000 - 1]).toBeCloseTo(min, 6); // the last frame, in the zero padding
  });

  it('rejects a bin count Whisper does not use', () => {
    expect(() => whisperLogMel(new Float32Array(10), { nMels: 64 })).toThrow(OptionError);
  });
});
