import { ModelError } from '@speechfold/core';
import { describeModel, thrownBy, withoutTensor, type TestModel } from '@speechfold/adapter-testkit';
import { detectHubertPrefix, validateHubertModel } from './model-check';
import { HUBERT_MODEL_OVERRIDES, tinyHubert } from './tiny.test-helper';

function renamed(model: TestModel, from: string, to: string): TestModel {
  const tensors = new Map([...model.tensors].map(([name, t]) => [name === from ? to : name, t]));
  return { config: model.config, tensors };
}

describe('validateHubertModel', () => {
  it('accepts HubertForCTC and HubertModel, pre-LN and post-LN', () => {
    for (const overrides of [
      {},
      HUBERT_MODEL_OVERRIDES,
      { do_stable_layer_norm: false },
      { ...HUBERT_MODEL_OVERRIDES, do_stable_layer_norm: true },
    ]) {
      expect(() => validateHubertModel(describeModel(tinyHubert(overrides)))).not.toThrow();
    }
  });

  it('detects the prefix from the tensor names', () => {
    expect(detectHubertPrefix(describeModel(tinyHubert()).tensors)).toBe('hubert.');
    expect(detectHubertPrefix(describeModel(tinyHubert(HUBERT_MODEL_OVERRIDES)).tensors)).toBe('');
  });

  it('names a missing tensor and the config values it follows from', () => {
    const model = withoutTensor(tinyHubert(), 'hubert.encoder.layers.1.attention.k_proj.bias');
    expect(() => validateHubertModel(describeModel(model))).toThrow(
      "tensor 'hubert.encoder.layers.1.attention.k_proj.bias': missing, expected by config.json (HubertForCTC, " +
        'hidden_size 32, num_hidden_layers 2, num_attention_heads 4, intermediate_size 64)',
    );
  });

  it('names the tensor whose shape disagrees, with the field it comes from', () => {
    const model = tinyHubert();
    const error = thrownBy(() =>
      validateHubertModel(describeModel({ ...model, config: { ...model.config, intermediate_size: 48 } })),
    );
    expect(error).toBeInstanceOf(ModelError);
    expect((error as ModelError).subject.tensor).toBe('hubert.encoder.layers.0.feed_forward.intermediate_dense.weight');
    expect((error as ModelError).message).toContain(
      'shape [64, 32] disagrees with config.json, which implies [48, 32]',
    );
    expect((error as ModelError).message).toContain('intermediate_size 48');
  });

  it('refuses tensors the config does not account for (a layer too many, a head on HubertModel)', () => {
    const model = tinyHubert();
    expect(() =>
      validateHubertModel(describeModel({ ...model, config: { ...model.config, num_hidden_layers: 1 } })),
    ).toThrow(/tensor 'hubert\.encoder\.layers\.1\.attention\.k_proj\.weight': not expected by config\.json/);
    const bare = tinyHubert(HUBERT_MODEL_OVERRIDES);
    const withHead = new Map([...bare.tensors, ...[...model.tensors].filter(([name]) => name.startsWith('lm_head.'))]);
    expect(() => validateHubertModel(describeModel({ config: bare.config, tensors: withHead }))).toThrow(
      /tensor 'lm_head\.weight': not expected by config\.json \(HubertModel/,
    );
  });

  it('accepts the torch >= 2.1 parametrization names of the positional conv', () => {
    const pos = 'hubert.encoder.pos_conv_embed.conv';
    let model = renamed(tinyHubert(), `${pos}.weight_g`, `${pos}.parametrizations.weight.original0`);
    model = renamed(model, `${pos}.weight_v`, `${pos}.parametrizations.weight.original1`);
    expect(() => validateHubertModel(describeModel(model))).not.toThrow();
  });

  it('accepts masked_spec_embed in a file whose config no longer masks', () => {
    const model = tinyHubert();
    const config = { ...model.config, mask_time_prob: 0, mask_feature_prob: 0 };
    expect(() => validateHubertModel(describeModel({ config, tensors: model.tensors }))).not.toThrow();
  });
});
