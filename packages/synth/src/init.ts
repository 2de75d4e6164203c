/**
 * How each synthetic parameter is filled, decided from its HF name. Values are like a freshly
 * initialised but not degenerate model: weights N(0, 0.02), biases N(0, 0.02) (not zero, so they
 * matter), norm scales 1 + N(0, 0.02), so forward passes give non-trivial, finite outputs.
 */
import { fillNormal, fillUniform, type Uint32Source } from './normal';

/** Fills `chunk`, which holds elements [start, start + chunk.length) of a tensor of `shape` in row-major order. */
export type Filler = (rng: Uint32Source, chunk: Float32Array, start: number, shape: readonly number[]) => void;

/** Standard deviation of weights and biases (HF's initializer_range / init_std). */
export const INIT_STD = 0.02;

const normal: Filler = (rng, chunk) => {
  fillNormal(rng, chunk, INIT_STD, 0);
};

const normScale: Filler = (rng, chunk) => {
  fillNormal(rng, chunk, INIT_STD, 1);
};

// Weight-norm magnitude: positive and near 1, i.e. each kernel slice of the effective weight has
// about unit norm whatever the layer's width.
const weightNormMagnitude: Filler = (rng, chunk) => {
  fillNormal(rng, chunk, INIT_STD, 1);
  for (let i = 0; i < chunk.length; i++) chunk[i] = Math.abs(chunk[i]);
};

// HF initialises masked_spec_embed with uniform_().
const uniform: Filler = (rng, chunk) => {
  fillUniform(rng, chunk, 0, 1);
};

/**
 * Whisper's encoder positions are fixed sinusoids (HF's sinusoids(): sin in the first half of the
 * channels, cos in the second, timescales up to 10000); real checkpoints store exactly these.
 */
const sinusoids: Filler = (rng, chunk, start, shape) => {
  const channels = shape[1];
  const half = channels / 2;
  if (!Number.isInteger(half) || half < 2) {
    normal(rng, chunk, start, shape);
    return;
  }
  const increment = Math.log(10000) / (half - 1);
  for (let i = 0; i < chunk.length; i++) {
    const e = start + i;
    const position = Math.floor(e / channels);
    const c = e % channels;
    const angle = position * Math.exp(-increment * (c % half));
    chunk[i] = c < half ? Math.sin(angle) : Math.cos(angle);
  }
};

/** The filler for a parameter, from its state-dict name. */
export function fillerFor(name: string): Filler {
  if (name === 'model.encoder.embed_positions.weight') return sinusoids;
  if (name.endsWith('.weight_g')) return weightNormMagnitude;
  if (name.endsWith('masked_spec_embed')) return uniform;
  // Every LayerNorm/GroupNorm in HuBERT and Whisper has 'layer_norm' in its name.
  if (name.includes('layer_norm') && name.endsWith('.weight')) return normScale;
  return normal;
}
