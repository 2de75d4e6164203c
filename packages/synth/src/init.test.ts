import { Random } from '@speechfold/core';
import { fillerFor } from './init';
import { tensorSeed } from './tensors';

function fill(name: string, shape: number[], start = 0, length = 64): Float32Array {
  const out = new Float32Array(length);
  fillerFor(name)(new Random(1), out, start, shape);
  return out;
}

describe('fillerFor', () => {
  it('gives norm scales near 1 and everything else near 0', () => {
    for (const name of [
      'model.decoder.layers.0.encoder_attn_layer_norm.weight',
      'hubert.feature_extractor.conv_layers.0.layer_norm.weight',
    ]) {
      const x = fill(name, [64]);
      expect(x.every((v) => Math.abs(v - 1) < 0.15)).toBe(true);
    }
    for (const name of [
      'lm_head.weight',
      'model.encoder.layers.0.final_layer_norm.bias',
      'hubert.encoder.pos_conv_embed.conv.weight_v',
    ]) {
      const x = fill(name, [64]);
      expect(x.every((v) => Math.abs(v) < 0.15)).toBe(true);
      expect(x.some((v) => v !== 0)).toBe(true);
    }
  });

  it("continues Whisper's sinusoids across chunks (row-major position x channel)", () => {
    const shape = [1500, 8];
    const whole = fill('model.encoder.embed_positions.weight', shape, 0, 32);
    const tail = fill('model.encoder.embed_positions.weight', shape, 16, 16);
    expect(tail).toEqual(whole.subarray(16));
    // Row 1, channel 1: sin(1 * 10000^(-1/3)); channel 5 is its cosine partner.
    const angle = Math.exp(-Math.log(10000) / 3);
    expect(whole[9]).toBeCloseTo(Math.sin(angle), 6);
    expect(whole[13]).toBeCloseTo(Math.cos(angle), 6);
  });

  it('keeps the weight-norm magnitude positive', () => {
    expect(fill('hubert.encoder.pos_conv_embed.conv.weight_g', [1, 1, 64]).every((v) => v > 0)).toBe(true);
  });
});

describe('tensorSeed', () => {
  it('depends on both the seed and the name', () => {
    expect(tensorSeed(0, 'a')).toBe(tensorSeed(0, 'a'));
    expect(tensorSeed(0, 'a')).not.toBe(tensorSeed(1, 'a'));
    expect(tensorSeed(0, 'a')).not.toBe(tensorSeed(0, 'b'));
  });
});
