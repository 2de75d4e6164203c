import { checkpointJsonText } from '@speechfold/adapter-common';
import {
  HUBERT_CTC_VOCAB,
  hubertCtcVocab,
  hubertPreprocessorConfig,
  hubertSpecialTokensMap,
  hubertTokenizerConfig,
} from './checkpoint-files';
import { HUBERT_PRESETS } from './presets';

describe('HuBERT checkpoint files', () => {
  it("holds facebook/hubert-large-ls960-ft's 32 CTC symbols, one per CTC head row", () => {
    const vocab = hubertCtcVocab();
    expect(Object.keys(vocab)).toHaveLength(32);
    expect(vocab).toMatchObject({ '<pad>': 0, '<s>': 1, '</s>': 2, '<unk>': 3, '|': 4, E: 5, "'": 27, Z: 31 });
    expect(new Set(HUBERT_CTC_VOCAB).size).toBe(32);
    for (const preset of Object.values(HUBERT_PRESETS)) expect(preset.vocab_size).toBe(HUBERT_CTC_VOCAB.length);
  });

  it('writes the CTC tokenizer settings', () => {
    expect(hubertSpecialTokensMap()).toEqual({
      bos_token: '<s>',
      eos_token: '</s>',
      pad_token: '<pad>',
      unk_token: '<unk>',
    });
    expect(checkpointJsonText(hubertTokenizerConfig())).toBe(`{
  "bos_token": "<s>",
  "do_lower_case": false,
  "eos_token": "</s>",
  "pad_token": "<pad>",
  "tokenizer_class": "Wav2Vec2CTCTokenizer",
  "unk_token": "<unk>",
  "word_delimiter_token": "|"
}
`);
  });

  it("writes Wav2Vec2FeatureExtractor's settings", () => {
    expect(checkpointJsonText(hubertPreprocessorConfig())).toBe(`{
  "do_normalize": true,
  "feature_extractor_type": "Wav2Vec2FeatureExtractor",
  "feature_size": 1,
  "padding_side": "right",
  "padding_value": 0,
  "return_attention_mask": true,
  "sampling_rate": 16000
}
`);
  });
});
