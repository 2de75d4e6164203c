import { checkAdapter, describeModel, runAdapterTestKit } from '@speechfold/adapter-testkit';
import { createContainer, TOKENS, type ModelAdapter } from '@speechfold/core';
import { Wav2Vec2Adapter, wav2vec2Adapter } from './adapter';
import { BARE_POST_LN, hfCheckpoint, tinyWav2Vec2 } from './tiny.test-helper';

const HUBERT_LIKE = { model_type: 'hubert', architectures: ['HubertForCTC'], hidden_size: 32 };
const WHISPER_LIKE = { model_type: 'whisper', architectures: ['WhisperForConditionalGeneration'], d_model: 32 };
const FOREIGN = [HUBERT_LIKE, WHISPER_LIKE, { model_type: 'wav2vec2-conformer', architectures: ['Wav2Vec2ConformerForCTC'] }];

runAdapterTestKit({
  name: 'wav2vec2 (Wav2Vec2ForCTC, pre-LN, LayerNorm convs)',
  adapter: wav2vec2Adapter(),
  makeModel: ({ seed }) => tinyWav2Vec2({}, seed),
  kinds: ['ffn', 'heads'],
  dimensionFields: ['hidden_size', 'intermediate_size', 'num_hidden_layers', 'vocab_size', 'num_conv_pos_embeddings'],
  foreignConfigs: FOREIGN,
});

runAdapterTestKit({
  name: 'wav2vec2 (Wav2Vec2Model, post-LN, GroupNorm conv, no prefix)',
  adapter: wav2vec2Adapter(),
  makeModel: ({ seed }) => tinyWav2Vec2(BARE_POST_LN, seed),
  kinds: ['ffn', 'heads'],
  dimensionFields: ['hidden_size', 'intermediate_size', 'num_hidden_layers'],
  foreignConfigs: FOREIGN,
});

describe('Wav2Vec2Adapter', () => {
  it('passes the kit run as a plain function (no jest registration), on the checkpoints stock transformers wrote too', async () => {
    for (const makeModel of [() => tinyWav2Vec2({ mask_time_prob: 0 }, 3)]) {
      const problems = await checkAdapter({ adapter: wav2vec2Adapter(), makeModel, kinds: ['ffn', 'heads'], dimensionFields: ['intermediate_size'] });
      expect(problems).toEqual([]);
    }
    for (const name of ['post-ln', 'stable-ln']) {
      const model = await hfCheckpoint(name);
      expect(() => wav2vec2Adapter().validate(model)).not.toThrow();
    }
  });

  it('is found by matches(config) among the adapters under TOKENS.ModelAdapter, and claims no HuBERT config', () => {
    const c = createContainer();
    c.register<ModelAdapter>(TOKENS.ModelAdapter, { useClass: Wav2Vec2Adapter });
    const adapters = c.resolveAll<ModelAdapter>(TOKENS.ModelAdapter);
    expect(adapters.find((a) => a.matches(tinyWav2Vec2().config))?.id).toBe('wav2vec2');
    expect(adapters.find((a) => a.matches(HUBERT_LIKE))).toBeUndefined();
  });

  it('names the groups of each layer and reads the FFN after the norm of its layer-norm order', () => {
    const names = (overrides = {}) =>
      wav2vec2Adapter()
        .groups(describeModel(tinyWav2Vec2(overrides)), ['ffn', 'heads'])
        .map((g) => [g.name, g.units, g.producers[0].tensor, g.kind === 'ffn' ? g.response?.norm.weight : g.producers[0].unitSize]);
    expect(names()).toEqual([
      ['encoder.layers.0.heads', 4, 'wav2vec2.encoder.layers.0.attention.q_proj.weight', 8],
      ['encoder.layers.0.ffn', 64, 'wav2vec2.encoder.layers.0.feed_forward.intermediate_dense.weight', 'wav2vec2.encoder.layers.0.final_layer_norm.weight'],
      ['encoder.layers.1.heads', 4, 'wav2vec2.encoder.layers.1.attention.q_proj.weight', 8],
      ['encoder.layers.1.ffn', 64, 'wav2vec2.encoder.layers.1.feed_forward.intermediate_dense.weight', 'wav2vec2.encoder.layers.1.final_layer_norm.weight'],
    ]);
    // Post-LN layers feed the FFN from layer_norm; the bare encoder stores no prefix.
    expect(names(BARE_POST_LN)[1]).toEqual(['encoder.layers.0.ffn', 64, 'encoder.layers.0.feed_forward.intermediate_dense.weight', 'encoder.layers.0.layer_norm.weight']);
  });

  it("writes the kept FFN width to intermediate_size for 'hf' and refuses fewer heads there", async () => {
    const model = await hfCheckpoint('post-ln');
    const adapter = wav2vec2Adapter();
    const kept = new Map([['encoder.layers.0.ffn', 24], ['encoder.layers.1.ffn', 24]]);
    const config = adapter.rewriteConfig(model, kept, 'hf');
    expect(config).toEqual({ ...model.config, intermediate_size: 24 });
    expect(() => adapter.rewriteConfig(model, new Map([['encoder.layers.0.heads', 1]]), 'hf')).toThrow(/--export extended/);
  });
});
