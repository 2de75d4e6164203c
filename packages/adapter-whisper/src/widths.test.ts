import { ModelError } from '@speechfold/core';
import { thrownBy } from '@speechfold/adapter-testkit';
import { whisperLayerWidths } from './widths';
import { tinyWhisperConfig } from './tiny.test-helper';

describe('whisperLayerWidths', () => {
  it('reads a stock config: encoder layers, then decoder layers with cross-attention', () => {
    expect(whisperLayerWidths(tinyWhisperConfig({ decoder_layers: 1 }))).toEqual([
      { stack: 'encoder', index: 0, ffnDim: 32, selfAttentionHeads: 4, headDim: 4 },
      { stack: 'encoder', index: 1, ffnDim: 32, selfAttentionHeads: 4, headDim: 4 },
      { stack: 'decoder', index: 0, ffnDim: 24, selfAttentionHeads: 4, crossAttentionHeads: 4, headDim: 4 },
    ]);
  });

  it('reads the per-layer widths of an extended export, with per-layer head_dim overrides', () => {
    const config = {
      ...tinyWhisperConfig({ encoder_layers: 1, num_hidden_layers: 1, decoder_layers: 1, decoder_attention_heads: 2 }),
      speechfold: {
        version: 1,
        export: 'extended',
        layers: [
          { stack: 'encoder', index: 0, ffn_dim: 7, self_attention_heads: 3 },
          { stack: 'decoder', index: 0, ffn_dim: 5, self_attention_heads: 1, cross_attention_heads: 2, head_dim: 8 },
        ],
        head_dim: 4,
      },
    };
    expect(whisperLayerWidths(config)).toEqual([
      { stack: 'encoder', index: 0, ffnDim: 7, selfAttentionHeads: 3, headDim: 4 },
      { stack: 'decoder', index: 0, ffnDim: 5, selfAttentionHeads: 1, crossAttentionHeads: 2, headDim: 8 },
    ]);
  });

  it('refuses a decoder layer without cross_attention_heads, naming the field', () => {
    const config = {
      ...tinyWhisperConfig({ encoder_layers: 1, num_hidden_layers: 1, decoder_layers: 1 }),
      speechfold: {
        version: 1,
        export: 'extended',
        layers: [
          { stack: 'encoder', index: 0, ffn_dim: 7, self_attention_heads: 3 },
          { stack: 'decoder', index: 0, ffn_dim: 5, self_attention_heads: 1 },
        ],
        head_dim: 4,
      },
    };
    const error = thrownBy(() => whisperLayerWidths(config));
    expect(error).toBeInstanceOf(ModelError);
    expect((error as ModelError).message).toContain("field 'speechfold.layers[1].cross_attention_heads'");
  });
});
