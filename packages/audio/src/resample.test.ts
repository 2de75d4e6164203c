import { OptionError } from '@speechfold/core';
import { resample } from './resample';

function sine(rate: number, seconds: number, hz: number, amplitude: number): Float32Array {
  const out = new Float32Array(Math.round(rate * seconds));
  for (let i = 0; i < out.length; i++) out[i] = amplitude * Math.sin((2 * Math.PI * hz * i) / rate);
  return out;
}

/** Largest deviation from the ideal 16 kHz sine, away from the edges where the filter runs out of input. */
function maxErrorVsIdeal(output: Float32Array, hz: number, amplitude: number, margin: number): number {
  let worst = 0;
  for (let n = margin; n < output.length - margin; n++) {
    worst = Math.max(worst, Math.abs(output[n] - amplitude * Math.sin((2 * Math.PI * hz * n) / 16000)));
  }
  return worst;
}

/** Amplitude at `hz` by correlation with a sine and cosine (an exact DFT bin for whole periods). */
function amplitudeAt(x: Float32Array, rate: number, hz: number, from: number, to: number): number {
  let re = 0;
  let im = 0;
  for (let n = from; n < to; n++) {
    re += x[n] * Math.cos((2 * Math.PI * hz * n) / rate);
    im += x[n] * Math.sin((2 * Math.PI * hz * n) / rate);
  }
  return (2 * Math.hypot(re, im)) / (to - from);
}

describe('resample', () => {
  it.each([8000, 44100, 22050, 48000])('keeps the frequency and amplitude of a 440 Hz and a 1 kHz sine from %i Hz', (rate) => {
    for (const hz of [440, 1000]) {
      const output = resample(sine(rate, 1, hz, 0.5), rate, 16000);
      expect(output).toHaveLength(16000);
      expect(maxErrorVsIdeal(output, hz, 0.5, 400)).toBeLessThan(1e-4);
      expect(amplitudeAt(output, 16000, hz, 1000, 15000)).toBeCloseTo(0.5, 3);
    }
  });

  it('output length is ceil(n * 16000 / rate)', () => {
    expect(resample(new Float32Array(44101), 44100, 16000)).toHaveLength(Math.ceil((44101 * 16000) / 44100));
    expect(resample(new Float32Array(8001), 8000, 16000)).toHaveLength(16002);
    expect(resample(new Float32Array(0), 44100, 16000)).toHaveLength(0);
  });

  it('removes content above the new Nyquist frequency instead of aliasing it', () => {
    // 10 kHz at 44.1 kHz would alias to 6 kHz at 16 kHz.
    const output = resample(sine(44100, 1, 10000, 0.5), 44100, 16000);
    expect(amplitudeAt(output, 16000, 6000, 1000, 15000)).toBeLessThan(1e-3);
  });

  it('keeps a constant exactly constant and returns a copy at equal rates', () => {
    const ones = new Float32Array(4410).fill(0.25);
    const output = resample(ones, 44100, 16000);
    for (let n = 200; n < output.length - 200; n++) expect(Math.abs(output[n] - 0.25)).toBeLessThan(1e-6);
    const same = resample(ones, 16000, 16000);
    expect(same).toEqual(ones);
    expect(same).not.toBe(ones);
  });

  it('rejects bad rates and settings', () => {
    expect(() => resample(new Float32Array(1), 0, 16000)).toThrow(OptionError);
    expect(() => resample(new Float32Array(1), 44100.5, 16000)).toThrow(/fromRate/);
    expect(() => resample(new Float32Array(1), 8000, 16000, { rolloff: 2 })).toThrow(OptionError);
  });
});
