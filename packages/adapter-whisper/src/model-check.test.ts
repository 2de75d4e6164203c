import { ModelError } from '@speechfold/core';
import { describeModel, randomTensors, thrownBy, withoutTensor } from '@speechfold/adapter-testkit';
import { validateWhisperModel } from './model-check';
import { tinyWhisper } from './tiny.test-helper';

describe('validateWhisperModel', () => {
  it('accepts the tiny model, and a stored copy of the tied proj_out', () => {
    const model = tinyWhisper();
    expect(() => validateWhisperModel(describeModel(model))).not.toThrow();
    const tensors = new Map([...model.tensors, ...randomTensors([{ name: 'proj_out.weight', shape: [51865, 16] }], 2)]);
    expect(() => validateWhisperModel(describeModel({ config: model.config, tensors }))).not.toThrow();
  });

  it('names a missing tensor and the config values it follows from', () => {
    const model = withoutTensor(tinyWhisper(), 'model.decoder.layers.1.encoder_attn.v_proj.bias');
    expect(() => validateWhisperModel(describeModel(model))).toThrow(
      "tensor 'model.decoder.layers.1.encoder_attn.v_proj.bias': missing, expected by config.json " +
        '(WhisperForConditionalGeneration, d_model 16, encoder_layers 2, decoder_layers 2, ' +
        'encoder_attention_heads 4, decoder_attention_heads 4, encoder_ffn_dim 32, decoder_ffn_dim 24)',
    );
  });

  it('names the tensor whose shape disagrees with decoder_ffn_dim', () => {
    const model = tinyWhisper();
    const config = { ...model.config, decoder_ffn_dim: 32 };
    const error = thrownBy(() => validateWhisperModel(describeModel({ config, tensors: model.tensors })));
    expect(error).toBeInstanceOf(ModelError);
    expect((error as ModelError).subject.tensor).toBe('model.decoder.layers.0.fc1.weight');
    expect((error as ModelError).message).toContain('decoder_ffn_dim 32');
  });

  it('refuses a k_proj bias, which Whisper does not have', () => {
    const model = tinyWhisper();
    const tensors = new Map([
      ...model.tensors,
      ...randomTensors([{ name: 'model.encoder.layers.0.self_attn.k_proj.bias', shape: [16] }], 2),
    ]);
    expect(() => validateWhisperModel(describeModel({ config: model.config, tensors }))).toThrow(
      /tensor 'model\.encoder\.layers\.0\.self_attn\.k_proj\.bias': not expected by config\.json/,
    );
  });

  it('checks shapes against the per-layer widths of an extended export', () => {
    const model = tinyWhisper();
    const layers = [
      { stack: 'encoder', index: 0, ffn_dim: 32, self_attention_heads: 4 },
      { stack: 'encoder', index: 1, ffn_dim: 32, self_attention_heads: 4 },
      { stack: 'decoder', index: 0, ffn_dim: 24, self_attention_heads: 4, cross_attention_heads: 4 },
      { stack: 'decoder', index: 1, ffn_dim: 24, self_attention_heads: 4, cross_attention_heads: 3 },
    ];
    const config = { ...model.config, speechfold: { version: 1, export: 'extended', layers, head_dim: 4 } };
    const error = thrownBy(() => validateWhisperModel(describeModel({ config, tensors: model.tensors })));
    expect((error as ModelError).subject.tensor).toBe('model.decoder.layers.1.encoder_attn.k_proj.weight');
    expect((error as ModelError).message).toContain("per-layer widths from 'speechfold.layers'");
  });
});
