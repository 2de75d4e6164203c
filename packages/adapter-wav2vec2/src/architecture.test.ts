import { numel } from '@speechfold/core';
import { wav2vec2LayerWidths, wav2vec2Parameters } from './architecture';
import { wav2vec2Preset } from './presets';
import { hfCheckpoint } from './tiny.test-helper';
import { validateWav2Vec2Config } from './validate';

const total = (params: { shape: number[] }[]): number => params.reduce((n, p) => n + numel(p.shape), 0);

describe('wav2vec2Parameters', () => {
  it('counts the hub models as stock transformers 5.24 builds them (Wav2Vec2ForCTC on the meta device)', () => {
    expect(total(wav2vec2Parameters(wav2vec2Preset('wav2vec2-base')))).toBe(94_396_320); // facebook/wav2vec2-base-960h
    expect(total(wav2vec2Parameters(wav2vec2Preset('wav2vec2-large')))).toBe(315_471_520); // facebook/wav2vec2-large-960h-lv60-self
  });

  it('lists exactly the tensors save_pretrained wrote, for both layer-norm orders', async () => {
    for (const name of ['post-ln', 'stable-ln']) {
      const model = await hfCheckpoint(name);
      const config = validateWav2Vec2Config(model.config, 'config.json');
      // transformers 5 stores the weight-normed positional conv under torch's parametrization names.
      const stored = model.tensors
        .map((t) => [t.name.replace('parametrizations.weight.original0', 'weight_g').replace('parametrizations.weight.original1', 'weight_v'), t.shape.join('x')])
        .sort();
      const listed = wav2vec2Parameters(config).map((p) => [p.name, p.shape.join('x')]).sort();
      expect(stored).toEqual(listed);
    }
  });

  it('takes per-layer widths from an extended export', () => {
    const config = {
      ...wav2vec2Preset('wav2vec2-tiny'),
      speechfold: {
        version: 1,
        export: 'extended',
        head_dim: 8,
        layers: [
          { stack: 'encoder', index: 0, ffn_dim: 40, self_attention_heads: 3 },
          { stack: 'encoder', index: 1, ffn_dim: 64, self_attention_heads: 4 },
        ],
      },
    };
    const widths = wav2vec2LayerWidths(config);
    expect(widths.map((w) => [w.ffnDim, w.selfAttentionHeads])).toEqual([[40, 3], [64, 4]]);
    const shapes = new Map(wav2vec2Parameters(validateWav2Vec2Config(config, 'config.json'), { prefix: 'wav2vec2.', ctcHead: true, layers: widths }).map((p) => [p.name, p.shape]));
    expect(shapes.get('wav2vec2.encoder.layers.0.feed_forward.output_dense.weight')).toEqual([32, 40]);
    expect(shapes.get('wav2vec2.encoder.layers.0.attention.q_proj.weight')).toEqual([24, 32]);
  });
});
