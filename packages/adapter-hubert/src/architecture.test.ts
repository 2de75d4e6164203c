import { hubertParameters, parameterCount } from './architecture';
import { hubertPreset } from './presets';
import type { HubertConfig } from './config';

/** Independent closed-form count of HubertForCTC parameters, written from the module list. */
function handCount(c: HubertConfig): number {
  const h = c.hidden_size;
  let n = 0;
  c.conv_dim.forEach((out, i) => {
    const inDim = i === 0 ? 1 : c.conv_dim[i - 1];
    n += out * inDim * c.conv_kernel[i] + (c.conv_bias ? out : 0);
    if (c.feat_extract_norm === 'layer' || i === 0) n += 2 * out;
  });
  const last = c.conv_dim[c.conv_dim.length - 1];
  n += (c.feat_proj_layer_norm ? 2 * last : 0) + last * h + h;
  n += c.mask_time_prob > 0 || c.mask_feature_prob > 0 ? h : 0;
  n += c.num_conv_pos_embeddings + (h * h * c.num_conv_pos_embeddings) / c.num_conv_pos_embedding_groups + h;
  n += 2 * h;
  const layer = 4 * (h * h + h) + 2 * h + 2 * h * c.intermediate_size + c.intermediate_size + h + 2 * h;
  n += c.num_hidden_layers * layer;
  return n + c.vocab_size * h + c.vocab_size;
}

describe('hubertParameters', () => {
  it('counts hubert-large (facebook/hubert-large-ls960-ft) at about 316 M', () => {
    const c = hubertPreset('hubert-large');
    const total = parameterCount(c);
    expect(total).toBe(handCount(c));
    expect(total).toBe(315_471_520);
  });

  it('counts hubert-base and hubert-tiny as the closed form does', () => {
    expect(parameterCount(hubertPreset('hubert-base'))).toBe(handCount(hubertPreset('hubert-base')));
    expect(parameterCount(hubertPreset('hubert-base'))).toBe(94_396_320); // HubertModel 94,371,712 + CTC head 24,608
    expect(parameterCount(hubertPreset('hubert-tiny'))).toBe(handCount(hubertPreset('hubert-tiny')));
  });

  it('gives unique names and the HF names of the large (layer-norm conv, stable) layout', () => {
    const c = hubertPreset('hubert-large');
    const params = hubertParameters(c);
    const byName = new Map(params.map((p) => [p.name, p.shape]));
    expect(byName.size).toBe(params.length);
    expect(byName.get('hubert.feature_extractor.conv_layers.0.conv.weight')).toEqual([512, 1, 10]);
    expect(byName.get('hubert.feature_extractor.conv_layers.0.conv.bias')).toEqual([512]);
    expect(byName.get('hubert.feature_extractor.conv_layers.6.conv.weight')).toEqual([512, 512, 2]);
    expect(byName.get('hubert.feature_extractor.conv_layers.6.layer_norm.weight')).toEqual([512]);
    expect(byName.get('hubert.feature_projection.layer_norm.bias')).toEqual([512]);
    expect(byName.get('hubert.feature_projection.projection.weight')).toEqual([1024, 512]);
    expect(byName.get('hubert.masked_spec_embed')).toEqual([1024]);
    expect(byName.get('hubert.encoder.pos_conv_embed.conv.weight_g')).toEqual([1, 1, 128]);
    expect(byName.get('hubert.encoder.pos_conv_embed.conv.weight_v')).toEqual([1024, 64, 128]);
    expect(byName.get('hubert.encoder.pos_conv_embed.conv.bias')).toEqual([1024]);
    expect(byName.get('hubert.encoder.layer_norm.weight')).toEqual([1024]);
    expect(byName.get('hubert.encoder.layers.23.attention.q_proj.weight')).toEqual([1024, 1024]);
    expect(byName.get('hubert.encoder.layers.23.attention.out_proj.bias')).toEqual([1024]);
    expect(byName.get('hubert.encoder.layers.0.feed_forward.intermediate_dense.weight')).toEqual([4096, 1024]);
    expect(byName.get('hubert.encoder.layers.0.feed_forward.output_dense.weight')).toEqual([1024, 4096]);
    expect(byName.get('hubert.encoder.layers.0.final_layer_norm.bias')).toEqual([1024]);
    expect(byName.get('lm_head.weight')).toEqual([32, 1024]);
    expect(byName.get('lm_head.bias')).toEqual([32]);
    expect(byName.has('hubert.encoder.layers.24.layer_norm.weight')).toBe(false);
    expect(params.filter((p) => p.name.startsWith('hubert.encoder.layers.0.'))).toHaveLength(16);
  });

  it('follows the base layout: GroupNorm on conv layer 0 only and no conv biases', () => {
    const names = new Set(hubertParameters(hubertPreset('hubert-base')).map((p) => p.name));
    expect(names.has('hubert.feature_extractor.conv_layers.0.layer_norm.weight')).toBe(true);
    expect(names.has('hubert.feature_extractor.conv_layers.1.layer_norm.weight')).toBe(false);
    expect(names.has('hubert.feature_extractor.conv_layers.0.conv.bias')).toBe(false);
    expect(names.has('hubert.feature_extractor.conv_layers.1.conv.weight')).toBe(true);
  });

  it('drops masked_spec_embed without SpecAugment and the projection norm when configured off', () => {
    const c = { ...hubertPreset('hubert-tiny'), mask_time_prob: 0, mask_feature_prob: 0, feat_proj_layer_norm: false };
    const names = hubertParameters(c).map((p) => p.name);
    expect(names).not.toContain('hubert.masked_spec_embed');
    expect(names).not.toContain('hubert.feature_projection.layer_norm.weight');
    expect(hubertParameters({ ...c, mask_feature_prob: 0.1 }).map((p) => p.name)).toContain('hubert.masked_spec_embed');
  });

  it('keeps the 320x downsampling of the real conv stack in the tiny preset', () => {
    const c = hubertPreset('hubert-tiny');
    expect(c.conv_stride.reduce((a, b) => a * b, 1)).toBe(320);
    expect(c.conv_kernel).toEqual(hubertPreset('hubert-large').conv_kernel);
    expect(c.conv_dim).toHaveLength(7);
  });

  it('stores HubertModel without the hubert. prefix and without lm_head', () => {
    const ctc = hubertParameters(hubertPreset('hubert-tiny'));
    const bare = hubertParameters({ ...hubertPreset('hubert-tiny'), architectures: ['HubertModel'] });
    expect(bare.map((p) => p.name)).toEqual(
      ctc.filter((p) => !p.name.startsWith('lm_head.')).map((p) => p.name.slice('hubert.'.length)),
    );
    expect(bare.map((p) => p.shape)).toEqual(ctc.filter((p) => !p.name.startsWith('lm_head.')).map((p) => p.shape));
  });

  it('gives each layer the FFN width and head count of its layout entry', () => {
    const c = hubertPreset('hubert-tiny');
    const layers = [
      { stack: 'encoder', index: 0, ffnDim: 40, selfAttentionHeads: 3, headDim: 8 },
      { stack: 'encoder', index: 1, ffnDim: 64, selfAttentionHeads: 4, headDim: 8 },
    ];
    const byName = new Map(hubertParameters(c, { layers }).map((p) => [p.name, p.shape]));
    expect(byName.get('hubert.encoder.layers.0.attention.q_proj.weight')).toEqual([24, 32]);
    expect(byName.get('hubert.encoder.layers.0.attention.k_proj.bias')).toEqual([24]);
    expect(byName.get('hubert.encoder.layers.0.attention.out_proj.weight')).toEqual([32, 24]);
    expect(byName.get('hubert.encoder.layers.0.attention.out_proj.bias')).toEqual([32]);
    expect(byName.get('hubert.encoder.layers.0.feed_forward.intermediate_dense.weight')).toEqual([40, 32]);
    expect(byName.get('hubert.encoder.layers.0.feed_forward.output_dense.weight')).toEqual([32, 40]);
    expect(byName.get('hubert.encoder.layers.1.attention.q_proj.weight')).toEqual([32, 32]);
    expect(byName.get('hubert.encoder.layers.1.feed_forward.intermediate_dense.bias')).toEqual([64]);
  });
});
