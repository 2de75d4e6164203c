import { whisperParameters, whisperPreset } from '@speechfold/adapter-whisper';
import { ct2SourceOf } from './whisper-names';

describe('ct2SourceOf', () => {
  it('maps every parameter of whisper-base (tied and untied) to a CTranslate2 variable', () => {
    const config = whisperPreset('whisper-base');
    for (const tie of [true, false]) {
      for (const p of whisperParameters({ ...config, tie_word_embeddings: tie }))
        expect(ct2SourceOf(p.name)).toBeDefined();
    }
  });

  it('splits fused self-attention q/k/v and cross-attention k/v by row blocks', () => {
    expect(ct2SourceOf('model.encoder.layers.3.self_attn.q_proj.weight')).toEqual({
      variable: 'encoder/layer_3/self_attention/linear_0/weight',
      part: 0,
      parts: 3,
    });
    expect(ct2SourceOf('model.decoder.layers.0.self_attn.v_proj.bias')).toEqual({
      variable: 'decoder/layer_0/self_attention/linear_0/bias',
      part: 2,
      parts: 3,
    });
    expect(ct2SourceOf('model.decoder.layers.1.encoder_attn.q_proj.weight')).toEqual({
      variable: 'decoder/layer_1/attention/linear_0/weight',
    });
    expect(ct2SourceOf('model.decoder.layers.1.encoder_attn.k_proj.weight')).toEqual({
      variable: 'decoder/layer_1/attention/linear_1/weight',
      part: 0,
      parts: 2,
    });
    expect(ct2SourceOf('model.decoder.layers.1.encoder_attn.out_proj.bias')).toEqual({
      variable: 'decoder/layer_1/attention/linear_2/bias',
    });
  });

  it('renames layer norms (weight/bias -> gamma/beta), FFNs and the top-level tensors', () => {
    expect(ct2SourceOf('model.decoder.layers.2.encoder_attn_layer_norm.bias')).toEqual({
      variable: 'decoder/layer_2/attention/layer_norm/beta',
    });
    expect(ct2SourceOf('model.encoder.layers.0.final_layer_norm.weight')).toEqual({
      variable: 'encoder/layer_0/ffn/layer_norm/gamma',
    });
    expect(ct2SourceOf('model.encoder.layers.0.fc2.weight')).toEqual({
      variable: 'encoder/layer_0/ffn/linear_1/weight',
    });
    expect(ct2SourceOf('model.encoder.embed_positions.weight')).toEqual({
      variable: 'encoder/position_encodings/encodings',
    });
    expect(ct2SourceOf('proj_out.weight')).toEqual({ variable: 'decoder/projection/weight' });
    expect(ct2SourceOf('model.encoder.layers.0.unknown.weight')).toBeUndefined();
  });
});
