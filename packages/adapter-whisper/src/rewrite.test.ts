import { ModelError } from '@speechfold/core';
import { describeModel, foldModel, thrownBy } from '@speechfold/adapter-testkit';
import { whisperGroups } from './groups';
import { validateWhisperModel } from './model-check';
import { rewriteWhisperConfig } from './rewrite';
import { tinyWhisper } from './tiny.test-helper';

/** Every FFN group of a stack to one width. */
function ffnKept(encoder: number, decoder: number): Map<string, number> {
  return new Map([
    ['encoder.layers.0.ffn', encoder],
    ['encoder.layers.1.ffn', encoder],
    ['decoder.layers.0.ffn', decoder],
    ['decoder.layers.1.ffn', decoder],
  ]);
}

describe('rewriteWhisperConfig', () => {
  it("'hf' sets encoder_ffn_dim and decoder_ffn_dim separately and changes nothing else", () => {
    const model = tinyWhisper();
    const config = rewriteWhisperConfig(describeModel(model), ffnKept(16, 12), 'hf');
    expect(config).toEqual({ ...model.config, encoder_ffn_dim: 16, decoder_ffn_dim: 12 });
    const groups = whisperGroups(describeModel(model), ['ffn']);
    validateWhisperModel(describeModel({ config, tensors: foldModel(model, groups, ffnKept(16, 12)).tensors }));
  });

  it("'hf' accepts folding one stack only", () => {
    const model = tinyWhisper();
    const kept = new Map([...ffnKept(16, 12)].filter(([name]) => name.startsWith('decoder.')));
    expect(rewriteWhisperConfig(describeModel(model), kept, 'hf')).toEqual({ ...model.config, decoder_ffn_dim: 12 });
  });

  it("'hf' refuses uneven decoder FFN widths and fewer cross-attention heads, pointing to extended", () => {
    const model = describeModel(tinyWhisper());
    const kept = ffnKept(16, 12);
    kept.set('decoder.layers.1.ffn', 10);
    const uneven = thrownBy(() => rewriteWhisperConfig(model, kept, 'hf'));
    expect(uneven).toBeInstanceOf(ModelError);
    expect((uneven as ModelError).message).toContain(
      'decoder FFN widths that differ between layers (12 and 10 at layer 1)',
    );
    const cross = thrownBy(() =>
      rewriteWhisperConfig(model, new Map([['decoder.layers.0.encoder_attn.heads', 2]]), 'hf'),
    );
    expect((cross as ModelError).subject.option).toBe('--export');
    expect((cross as ModelError).message).toContain('decoder layer 0 with 2 of 4 cross-attention heads');
    expect((cross as ModelError).message).toContain('--export extended');
  });

  it("'extended' writes the documented key exactly, cross_attention_heads on decoder layers only", () => {
    const model = tinyWhisper();
    const kept = new Map([
      ['encoder.layers.1.ffn', 20],
      ['encoder.layers.0.self_attn.heads', 3],
      ['decoder.layers.0.encoder_attn.heads', 2],
      ['decoder.layers.1.ffn', 6],
      ['decoder.layers.1.self_attn.heads', 1],
    ]);
    const config = rewriteWhisperConfig(describeModel(model), kept, 'extended');
    expect(JSON.stringify(config.speechfold)).toBe(
      JSON.stringify({
        version: 1,
        export: 'extended',
        layers: [
          { stack: 'encoder', index: 0, ffn_dim: 32, self_attention_heads: 3 },
          { stack: 'encoder', index: 1, ffn_dim: 20, self_attention_heads: 4 },
          { stack: 'decoder', index: 0, ffn_dim: 24, self_attention_heads: 4, cross_attention_heads: 2 },
          { stack: 'decoder', index: 1, ffn_dim: 6, self_attention_heads: 1, cross_attention_heads: 4 },
        ],
        head_dim: 4,
      }),
    );
    const { speechfold: _key, ...stock } = config;
    expect(stock).toEqual(model.config);
    const groups = whisperGroups(describeModel(model), ['ffn', 'heads']);
    validateWhisperModel(describeModel({ config, tensors: foldModel(model, groups, kept).tensors }));
  });

  it("'extended' repeats head_dim on the layers whose stack has another head size", () => {
    const model = tinyWhisper({ decoder_attention_heads: 2 });
    const config = rewriteWhisperConfig(describeModel(model), new Map(), 'extended');
    expect(config.speechfold).toEqual({
      version: 1,
      export: 'extended',
      layers: [
        { stack: 'encoder', index: 0, ffn_dim: 32, self_attention_heads: 4 },
        { stack: 'encoder', index: 1, ffn_dim: 32, self_attention_heads: 4 },
        { stack: 'decoder', index: 0, ffn_dim: 24, self_attention_heads: 2, cross_attention_heads: 2, head_dim: 8 },
        { stack: 'decoder', index: 1, ffn_dim: 24, self_attention_heads: 2, cross_attention_heads: 2, head_dim: 8 },
      ],
      head_dim: 4,
    });
    validateWhisperModel(describeModel({ config, tensors: model.tensors }));
  });

  it("'dense' only marks the export", () => {
    const model = tinyWhisper();
    expect(rewriteWhisperConfig(describeModel(model), ffnKept(16, 12), 'dense')).toEqual({
      ...model.config,
      speechfold: { version: 1, export: 'dense' },
    });
  });
});
