import { parameterCount, whisperParameters } from './architecture';
import { whisperPreset } from './presets';
import type { WhisperConfig } from './config';

/** Independent closed-form count, written from the module list of WhisperForConditionalGeneration. */
function handCount(c: WhisperConfig): number {
  const d = c.d_model;
  const attn = 4 * d * d + 3 * d; // k_proj has no bias
  const norm = 2 * d;
  const ffn = (f: number): number => 2 * d * f + f + d;
  const encoder =
    d * c.num_mel_bins * 3 +
    d +
    d * d * 3 +
    d +
    c.max_source_positions * d +
    c.encoder_layers * (attn + norm + ffn(c.encoder_ffn_dim) + norm) +
    norm;
  const decoder =
    c.vocab_size * d +
    c.max_target_positions * d +
    c.decoder_layers * (2 * (attn + norm) + ffn(c.decoder_ffn_dim) + norm) +
    norm;
  return encoder + decoder + (c.tie_word_embeddings ? 0 : c.vocab_size * d);
}

describe('whisperParameters', () => {
  it("counts whisper-tiny exactly as openai/whisper-tiny's 37,760,640 stored parameters", () => {
    const c = whisperPreset('whisper-tiny');
    expect(parameterCount(c)).toBe(37_760_640);
    expect(parameterCount(c)).toBe(handCount(c));
  });

  it('counts whisper-base and whisper-large-v3 (1.54-1.55 B) as the closed form does', () => {
    const base = whisperPreset('whisper-base');
    expect(parameterCount(base)).toBe(handCount(base));
    expect(parameterCount(base)).toBe(72_593_920);
    const large = whisperPreset('whisper-large-v3');
    const total = parameterCount(large);
    expect(total).toBe(handCount(large));
    expect(total).toBeGreaterThanOrEqual(1.54e9);
    expect(total).toBeLessThanOrEqual(1.55e9);
    expect(total).toBe(1_543_490_560);
  });

  it('gives unique names with the HF names and shapes of large-v3', () => {
    const params = whisperParameters(whisperPreset('whisper-large-v3'));
    const byName = new Map(params.map((p) => [p.name, p.shape]));
    expect(byName.size).toBe(params.length);
    expect(byName.get('model.encoder.conv1.weight')).toEqual([1280, 128, 3]);
    expect(byName.get('model.encoder.conv2.weight')).toEqual([1280, 1280, 3]);
    expect(byName.get('model.encoder.conv2.bias')).toEqual([1280]);
    expect(byName.get('model.encoder.embed_positions.weight')).toEqual([1500, 1280]);
    expect(byName.get('model.encoder.layers.31.self_attn.k_proj.weight')).toEqual([1280, 1280]);
    expect(byName.has('model.encoder.layers.31.self_attn.k_proj.bias')).toBe(false);
    expect(byName.get('model.encoder.layers.31.self_attn.q_proj.bias')).toEqual([1280]);
    expect(byName.get('model.encoder.layers.0.self_attn_layer_norm.weight')).toEqual([1280]);
    expect(byName.get('model.encoder.layers.0.fc1.weight')).toEqual([5120, 1280]);
    expect(byName.get('model.encoder.layers.0.fc2.weight')).toEqual([1280, 5120]);
    expect(byName.get('model.encoder.layers.0.final_layer_norm.bias')).toEqual([1280]);
    expect(byName.get('model.encoder.layer_norm.weight')).toEqual([1280]);
    expect(byName.get('model.decoder.embed_tokens.weight')).toEqual([51866, 1280]);
    expect(byName.get('model.decoder.embed_positions.weight')).toEqual([448, 1280]);
    expect(byName.get('model.decoder.layers.31.encoder_attn.k_proj.weight')).toEqual([1280, 1280]);
    expect(byName.has('model.decoder.layers.31.encoder_attn.k_proj.bias')).toBe(false);
    expect(byName.get('model.decoder.layers.31.encoder_attn.out_proj.bias')).toEqual([1280]);
    expect(byName.get('model.decoder.layers.0.encoder_attn_layer_norm.weight')).toEqual([1280]);
    expect(byName.get('model.decoder.layer_norm.bias')).toEqual([1280]);
    expect(byName.has('proj_out.weight')).toBe(false);
    expect(params.filter((p) => p.name.startsWith('model.encoder.layers.0.'))).toHaveLength(15);
    expect(params.filter((p) => p.name.startsWith('model.decoder.layers.0.'))).toHaveLength(24);
  });

  it('stores proj_out only when the embeddings are untied', () => {
    const c = { ...whisperPreset('whisper-tiny'), tie_word_embeddings: false };
    const proj = whisperParameters(c).find((p) => p.name === 'proj_out.weight');
    expect(proj?.shape).toEqual([51865, 384]);
    expect(parameterCount(c)).toBe(handCount(c));
  });

  it('gives each layer the FFN width and head counts of its layout entry (cross-attention separately)', () => {
    const c = { ...whisperPreset('whisper-tiny'), encoder_layers: 1, num_hidden_layers: 1, decoder_layers: 1 };
    const layers = [
      { stack: 'encoder', index: 0, ffnDim: 100, selfAttentionHeads: 5, headDim: 64 },
      { stack: 'decoder', index: 0, ffnDim: 200, selfAttentionHeads: 4, crossAttentionHeads: 3, headDim: 64 },
    ];
    const byName = new Map(whisperParameters(c, layers).map((p) => [p.name, p.shape]));
    expect(byName.get('model.encoder.layers.0.self_attn.k_proj.weight')).toEqual([320, 384]);
    expect(byName.get('model.encoder.layers.0.self_attn.q_proj.bias')).toEqual([320]);
    expect(byName.get('model.encoder.layers.0.self_attn.out_proj.weight')).toEqual([384, 320]);
    expect(byName.get('model.encoder.layers.0.fc1.weight')).toEqual([100, 384]);
    expect(byName.get('model.decoder.layers.0.self_attn.v_proj.weight')).toEqual([256, 384]);
    expect(byName.get('model.decoder.layers.0.encoder_attn.k_proj.weight')).toEqual([192, 384]);
    expect(byName.get('model.decoder.layers.0.encoder_attn.out_proj.weight')).toEqual([384, 192]);
    expect(byName.get('model.decoder.layers.0.encoder_attn.out_proj.bias')).toEqual([384]);
    expect(byName.get('model.decoder.layers.0.fc2.weight')).toEqual([384, 200]);
    expect(byName.has('model.decoder.layers.0.encoder_attn.k_proj.bias')).toBe(false);
  });
});
