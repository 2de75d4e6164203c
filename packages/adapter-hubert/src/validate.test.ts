import { ModelError } from '@speechfold/core';
import { validateHubertConfig } from './validate';
import { HUBERT_PRESETS, hubertPreset } from './presets';

const FILE = 'ckpt/config.json';

function expectModelError(config: unknown, field: string): void {
  let caught: unknown;
  try {
    validateHubertConfig(config, FILE);
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(ModelError);
  const error = caught as ModelError;
  expect(error.subject.file).toBe(FILE);
  expect(error.message).toContain(FILE);
  expect(error.message).toContain(`'${field}'`);
}

describe('validateHubertConfig', () => {
  it('accepts every preset unchanged (as written to config.json)', () => {
    for (const preset of Object.values(HUBERT_PRESETS)) {
      expect(validateHubertConfig(JSON.parse(JSON.stringify(preset)), FILE)).toEqual(preset);
    }
  });

  it("fills HF's defaults for optional fields a real hub config leaves out", () => {
    const raw: Record<string, unknown> = { ...hubertPreset('hubert-large') };
    delete raw.feat_proj_layer_norm; // facebook/hubert-large-ls960-ft predates this field
    delete raw.mask_time_min_masks;
    delete raw.num_feat_extract_layers;
    const c = validateHubertConfig(raw, FILE);
    expect(c.feat_proj_layer_norm).toBe(true);
    expect(c.mask_time_min_masks).toBe(2);
    expect(c.num_feat_extract_layers).toBe(7);
  });

  it('names the file and the field at fault', () => {
    const good = hubertPreset('hubert-tiny');
    expectModelError({ ...good, model_type: 'wav2vec2' }, 'model_type');
    expectModelError({ ...good, architectures: ['HubertForSequenceClassification'] }, 'architectures');
    expectModelError({ ...good, hidden_size: '32' }, 'hidden_size');
    expectModelError({ ...good, num_attention_heads: 5 }, 'num_attention_heads');
    expectModelError({ ...good, num_conv_pos_embedding_groups: 3 }, 'num_conv_pos_embedding_groups');
    expectModelError({ ...good, conv_kernel: [10, 3] }, 'conv_kernel');
    expectModelError({ ...good, conv_dim: [] }, 'conv_dim');
    expectModelError({ ...good, feat_extract_norm: 'batch' }, 'feat_extract_norm');
    expectModelError({ ...good, conv_bias: 1 }, 'conv_bias');
    expectModelError({ ...good, mask_time_prob: 2 }, 'mask_time_prob');
    expectModelError({ ...good, conv_pos_batch_norm: true }, 'conv_pos_batch_norm');
    expectModelError({ ...good, pad_token_id: 32 }, 'pad_token_id');
    const { vocab_size: _dropped, ...noVocab } = good;
    expectModelError(noVocab, 'vocab_size');
  });

  it('accepts HubertModel (the bare encoder) as well as HubertForCTC, and either layer-norm order', () => {
    for (const architectures of [['HubertModel'], ['HubertForCTC']]) {
      for (const stable of [true, false]) {
        const config = { ...hubertPreset('hubert-tiny'), architectures, do_stable_layer_norm: stable };
        expect(validateHubertConfig(config, FILE)).toEqual(config);
      }
    }
  });

  it('rejects a config that is not an object', () => {
    expect(() => validateHubertConfig([1, 2], FILE)).toThrow(ModelError);
    expect(() => validateHubertConfig(null, FILE)).toThrow(/ckpt\/config\.json/);
  });
});
