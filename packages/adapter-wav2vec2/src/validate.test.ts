import { ModelError } from '@speechfold/core';
import { thrownBy } from '@speechfold/adapter-testkit';
import { wav2vec2Parameters } from './architecture';
import { WAV2VEC2_PRESETS, wav2vec2Preset } from './presets';
import { hfCheckpoint } from './tiny.test-helper';
import { validateWav2Vec2Config } from './validate';

const FILE = 'ckpt/config.json';

/** The ModelError a config gets: it names the file and the field. */
function refusal(config: unknown, field: string): string {
  const error = thrownBy(() => validateWav2Vec2Config(config, FILE));
  expect(error).toBeInstanceOf(ModelError);
  expect((error as ModelError).subject.file).toBe(FILE);
  expect((error as ModelError).message).toContain(`'${field}'`);
  return (error as ModelError).message;
}

describe('validateWav2Vec2Config', () => {
  it('accepts every preset unchanged (as written to config.json)', () => {
    for (const preset of Object.values(WAV2VEC2_PRESETS)) {
      expect(validateWav2Vec2Config(JSON.parse(JSON.stringify(preset)), FILE)).toEqual(preset);
    }
  });

  it('reads the config.json transformers 5 writes (dtype, not torch_dtype; output_hidden_size; adapter_attn_dim null)', async () => {
    for (const name of ['post-ln', 'stable-ln']) {
      const { config } = await hfCheckpoint(name);
      const typed = validateWav2Vec2Config(config, FILE);
      const { dtype: _dtype, ...rest } = config;
      expect(typed).toEqual(rest);
    }
  });

  it('tolerates the quantizer, codevector and TDNN fields (no tensor in Wav2Vec2ForCTC), and a null output_hidden_size', () => {
    const config = {
      ...wav2vec2Preset('wav2vec2-tiny'),
      num_codevectors_per_group: 640,
      codevector_dim: 768,
      proj_codevector_dim: 768,
      num_negatives: 0,
      tdnn_dim: [64, 64],
      output_hidden_size: null,
      // HuBERT's field; wav2vec2's feature projection has the norm whatever it says (HF ignores it).
      feat_proj_layer_norm: false,
    };
    const typed = validateWav2Vec2Config(config, FILE);
    expect(typed.output_hidden_size).toBe(32);
    expect(typed.codevector_dim).toBe(768);
    expect(wav2vec2Parameters(typed).map((p) => p.name)).toContain('wav2vec2.feature_projection.layer_norm.weight');
  });

  it('fills HF defaults for wav2vec2 fields an older config leaves out', () => {
    const raw: Record<string, unknown> = { ...wav2vec2Preset('wav2vec2-base') };
    for (const field of ['add_adapter', 'adapter_attn_dim', 'output_hidden_size', 'num_negatives', 'tdnn_dim', 'feat_quantizer_dropout']) delete raw[field];
    expect(validateWav2Vec2Config(raw, FILE)).toEqual(wav2vec2Preset('wav2vec2-base'));
  });

  it('refuses what would store tensors it does not describe, naming the field', () => {
    const good = wav2vec2Preset('wav2vec2-tiny');
    expect(refusal({ ...good, add_adapter: true }, 'add_adapter')).toContain('not supported');
    expect(refusal({ ...good, adapter_attn_dim: 16 }, 'adapter_attn_dim')).toContain('not supported');
    expect(refusal({ ...good, architectures: ['Wav2Vec2ForPreTraining'] }, 'architectures')).toContain("'Wav2Vec2ForCTC' or 'Wav2Vec2Model'");
    refusal({ ...good, model_type: 'hubert' }, 'model_type');
    refusal({ ...good, num_attention_heads: 5 }, 'num_attention_heads');
    refusal({ ...good, num_negatives: 'many' }, 'num_negatives');
    refusal({ ...good, do_stable_layer_norm: undefined }, 'do_stable_layer_norm');
  });
});
