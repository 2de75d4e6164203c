import { runAdapterTestKit } from '@speechfold/adapter-testkit';
import { createContainer, TOKENS, type ModelAdapter } from '@speechfold/core';
import { HubertAdapter, hubertAdapter } from './adapter';
import { HUBERT_MODEL_OVERRIDES, tinyHubert } from './tiny.test-helper';

const WHISPER_LIKE = { model_type: 'whisper', architectures: ['WhisperForConditionalGeneration'], d_model: 32 };
const WAV2VEC2_LIKE = { model_type: 'wav2vec2', architectures: ['Wav2Vec2ForCTC'], hidden_size: 32 };

runAdapterTestKit({
  name: 'hubert (HubertForCTC, pre-LN)',
  adapter: hubertAdapter(),
  makeModel: ({ seed }) => tinyHubert({}, seed),
  kinds: ['ffn', 'heads'],
  dimensionFields: ['hidden_size', 'intermediate_size', 'num_hidden_layers', 'vocab_size'],
  foreignConfigs: [WHISPER_LIKE, WAV2VEC2_LIKE],
});

runAdapterTestKit({
  name: 'hubert (HubertModel, post-LN, no prefix)',
  adapter: hubertAdapter(),
  makeModel: ({ seed }) => tinyHubert(HUBERT_MODEL_OVERRIDES, seed),
  kinds: ['ffn', 'heads'],
  dimensionFields: ['hidden_size', 'intermediate_size', 'num_hidden_layers'],
  foreignConfigs: [WHISPER_LIKE, WAV2VEC2_LIKE],
});

describe('HubertAdapter registration', () => {
  it('is found among the adapters registered under TOKENS.ModelAdapter by matches(config)', () => {
    const c = createContainer();
    c.register<ModelAdapter>(TOKENS.ModelAdapter, { useClass: HubertAdapter });
    const adapters = c.resolveAll<ModelAdapter>(TOKENS.ModelAdapter);
    expect(adapters.find((a) => a.matches(tinyHubert().config))?.id).toBe('hubert');
    expect(adapters.find((a) => a.matches(WHISPER_LIKE))).toBeUndefined();
  });

  it('matches any hubert config, leaving an unsupported architecture to validate', () => {
    const config = { ...tinyHubert().config, architectures: ['HubertForSequenceClassification'] };
    const adapter = hubertAdapter();
    expect(adapter.matches(config)).toBe(true);
    expect(() => adapter.validate({ config, tensors: [] })).toThrow(/'architectures'.*HubertForCTC.*HubertModel/);
  });
});
