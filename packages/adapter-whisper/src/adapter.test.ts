import { runAdapterTestKit } from '@speechfold/adapter-testkit';
import { createContainer, TOKENS, type ModelAdapter } from '@speechfold/core';
import { WhisperAdapter, whisperAdapter } from './adapter';
import { tinyWhisper } from './tiny.test-helper';

const HUBERT_LIKE = { model_type: 'hubert', architectures: ['HubertForCTC'], hidden_size: 16 };
const WAV2VEC2_LIKE = { model_type: 'wav2vec2', architectures: ['Wav2Vec2ForCTC'], hidden_size: 16 };
const DIMENSIONS = ['d_model', 'encoder_ffn_dim', 'decoder_ffn_dim', 'decoder_layers', 'num_mel_bins', 'vocab_size'];

runAdapterTestKit({
  name: 'whisper (WhisperForConditionalGeneration)',
  adapter: whisperAdapter(),
  makeModel: ({ seed }) => tinyWhisper({}, seed),
  kinds: ['ffn', 'heads'],
  dimensionFields: [...DIMENSIONS, 'max_source_positions', 'max_target_positions'],
  foreignConfigs: [HUBERT_LIKE, WAV2VEC2_LIKE],
});

runAdapterTestKit({
  name: 'whisper (encoder and decoder head sizes differ, proj_out stored)',
  adapter: whisperAdapter(),
  makeModel: ({ seed }) => tinyWhisper({ decoder_attention_heads: 2, tie_word_embeddings: false }, seed),
  kinds: ['ffn', 'heads'],
  dimensionFields: DIMENSIONS,
  foreignConfigs: [HUBERT_LIKE],
});

describe('WhisperAdapter registration', () => {
  it('is found among the adapters registered under TOKENS.ModelAdapter by matches(config)', () => {
    const c = createContainer();
    c.register<ModelAdapter>(TOKENS.ModelAdapter, { useClass: WhisperAdapter });
    const adapters = c.resolveAll<ModelAdapter>(TOKENS.ModelAdapter);
    expect(adapters.find((a) => a.matches(tinyWhisper().config))?.id).toBe('whisper');
    expect(adapters.find((a) => a.matches(HUBERT_LIKE))).toBeUndefined();
  });

  it('matches any whisper config, leaving an unsupported architecture to validate', () => {
    const config = { ...tinyWhisper().config, architectures: ['WhisperForAudioClassification'] };
    expect(whisperAdapter().matches(config)).toBe(true);
    expect(() => whisperAdapter().validate({ config, tensors: [] })).toThrow(/'architectures'/);
  });
});
