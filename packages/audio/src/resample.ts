import { OptionError } from '@speechfold/core';

/**
 * Band-limited resampling by a Kaiser-windowed sinc, evaluated as a polyphase filter: for a rate
 * change by L/M (reduced fraction), output sample n sits at input position n*M/L, whose fractional
 * part is one of L phases, each with its own precomputed taps.
 *
 * Written here rather than taken from npm: the maintained resamplers there are wasm builds of
 * libsamplerate/speex with an asynchronous start, and evaluation only needs a few integer rates to
 * 16 kHz. The defaults (32 zero crossings, Kaiser beta 8.6, cut-off at 94% of the lower Nyquist) keep
 * the pass band flat to about 1e-4 and the stop band about 85 dB down.
 */

/** Filter settings; the defaults suit speech evaluation. */
export interface ResampleOptions {
  /** Sinc zero crossings on each side of the centre (filter length), default 32. */
  zeroCrossings?: number;
  /** Kaiser window shape: larger is more stop-band attenuation, wider transition. Default 8.6. */
  kaiserBeta?: number;
  /** Cut-off as a fraction of the lower of the two Nyquist frequencies, default 0.94. */
  rolloff?: number;
}

/** Resamples mono audio from `fromRate` to `toRate` Hz; output length is ceil(n * toRate / fromRate). */
export function resample(input: Float32Array, fromRate: number, toRate: number, options: ResampleOptions = {}): Float32Array {
  checkRate('fromRate', fromRate);
  checkRate('toRate', toRate);
  if (fromRate === toRate) return input.slice();
  const zeroCrossings = options.zeroCrossings ?? 32;
  const beta = options.kaiserBeta ?? 8.6;
  const rolloff = options.rolloff ?? 0.94;
  if (!(zeroCrossings >= 1) || !(beta >= 0) || !(rolloff > 0 && rolloff <= 1)) {
    throw new OptionError('resample', `needs zeroCrossings >= 1, kaiserBeta >= 0 and 0 < rolloff <= 1, got ${zeroCrossings}, ${beta}, ${rolloff}`);
  }

  const g = gcd(fromRate, toRate);
  const up = toRate / g; // L: number of phases
  const down = fromRate / g; // M: input step per output sample, in units of 1/L
  // Cut-off in cycles per input sample relative to the input Nyquist: below both Nyquists.
  const cutoff = rolloff * Math.min(1, up / down);
  const half = Math.ceil(zeroCrossings / cutoff); // taps on each side, in input samples
  const taps = 2 * half;
  const bank = buildFilterBank(up, half, cutoff, beta);

  const outLength = Math.ceil((input.length * up) / down);
  const output = new Float32Array(outLength);
  for (let n = 0; n < outLength; n++) {
    const position = n * down; // in units of 1/L input samples (exact integer arithmetic)
    const base = Math.floor(position / up);
    const phase = position - base * up;
    const first = base - half + 1; // input index of tap 0
    const row = phase * taps;
    let sum = 0;
    const lo = Math.max(0, -first);
    const hi = Math.min(taps, input.length - first);
    for (let j = lo; j < hi; j++) sum += bank[row + j] * input[first + j];
    output[n] = sum;
  }
  return output;
}

/**
 * Taps for each phase p (output at fractional input position p/L): tap j multiplies input sample
 * base - half + 1 + j, at distance x = p/L + half - 1 - j from the output point. Each phase is
 * normalised to unit DC gain so that a constant signal stays exactly constant between phases.
 */
function buildFilterBank(up: number, half: number, cutoff: number, beta: number): Float64Array {
  const taps = 2 * half;
  const bank = new Float64Array(up * taps);
  const i0Beta = besselI0(beta);
  for (let p = 0; p < up; p++) {
    let total = 0;
    for (let j = 0; j < taps; j++) {
      const x = p / up + half - 1 - j;
      const r = x / half;
      const window = Math.abs(r) >= 1 ? 0 : besselI0(beta * Math.sqrt(1 - r * r)) / i0Beta;
      const value = cutoff * sinc(cutoff * x) * window;
      bank[p * taps + j] = value;
      total += value;
    }
    for (let j = 0; j < taps; j++) bank[p * taps + j] /= total;
  }
  return bank;
}

function sinc(x: number): number {
  if (x === 0) return 1;
  const px = Math.PI * x;
  return Math.sin(px) / px;
}

/** Modified Bessel function of the first kind, order 0, by its power series (converges fast here). */
function besselI0(x: number): number {
  let sum = 1;
  let term = 1;
  const q = (x * x) / 4;
  for (let k = 1; k < 200; k++) {
    term *= q / (k * k);
    sum += term;
    if (term < sum * 1e-17) break;
  }
  return sum;
}

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

function checkRate(name: string, rate: number): void {
  if (!Number.isInteger(rate) || rate <= 0) throw new OptionError(name, `a sample rate must be a positive integer in Hz, got ${rate}`);
}
