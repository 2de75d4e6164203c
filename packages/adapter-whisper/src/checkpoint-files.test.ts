import { checkpointJsonText } from '@speechfold/adapter-common';
import {
  WHISPER_END_OF_TEXT,
  whisperAdditionalSpecialTokens,
  whisperConfigDefaults,
  whisperGenerationConfig,
  whisperLangToId,
  whisperMergesText,
  whisperPreprocessorConfig,
  whisperSpecialTokensMap,
  whisperTokenizerConfig,
  type WhisperAddedToken,
} from './checkpoint-files';
import { WHISPER_PRESETS, whisperPreset } from './presets';
import {
  WHISPER_ENGLISH_NON_SPEECH_SYMBOL_IDS,
  whisperBeginSuppressTokens,
  whisperSpecialTokens,
  whisperSuppressTokens,
  type WhisperSpecialTokens,
} from './tokens';

/** The values a stock layout implies (what synth writes). */
function stockValues(t: WhisperSpecialTokens): {
  suppressTokens: number[];
  beginSuppressTokens: number[];
  langToId: Record<string, number>;
} {
  return {
    suppressTokens: whisperSuppressTokens(t),
    beginSuppressTokens: whisperBeginSuppressTokens(t),
    langToId: whisperLangToId(t.languages),
  };
}

describe('whisperGenerationConfig', () => {
  it("writes whisper-tiny.en's generation config: not multilingual, no language or task table", () => {
    const t = whisperSpecialTokens(51864);
    const g = whisperGenerationConfig(whisperPreset('whisper-tiny.en'), t, {
      ...stockValues(t),
      transformersVersion: '4.46.3',
    });
    expect(g).toEqual({
      begin_suppress_tokens: [220, 50256],
      bos_token_id: 50256,
      decoder_start_token_id: 50257,
      eos_token_id: 50256,
      forced_decoder_ids: null,
      is_multilingual: false,
      max_initial_timestamp_index: 50,
      max_length: 448,
      no_timestamps_token_id: 50362,
      pad_token_id: 50256,
      prev_sot_token_id: 50360,
      return_timestamps: false,
      suppress_tokens: [...WHISPER_ENGLISH_NON_SPEECH_SYMBOL_IDS, 50257, 50357, 50358, 50359, 50360, 50361],
      transformers_version: '4.46.3',
    });
  });

  it('writes a multilingual config byte for byte: lang_to_id, task_to_id, alignment heads, keys sorted', () => {
    // openai/whisper-base's ids, with CTranslate2-style lists (what import-ctranslate2 passes).
    const ids = {
      endOfText: 50257,
      startOfTranscript: 50258,
      translate: 50358,
      transcribe: 50359,
      startOfPrev: 50361,
      noTimestamps: 50363,
    };
    const g = whisperGenerationConfig(whisperPreset('whisper-base'), ids, {
      suppressTokens: [1, 2],
      beginSuppressTokens: [220, 50257],
      langToId: { '<|zh|>': 50260, '<|en|>': 50259 },
      alignmentHeads: [[3, 1]],
    });
    expect(checkpointJsonText(g)).toBe(`{
  "alignment_heads": [
    [
      3,
      1
    ]
  ],
  "begin_suppress_tokens": [
    220,
    50257
  ],
  "bos_token_id": 50257,
  "decoder_start_token_id": 50258,
  "eos_token_id": 50257,
  "forced_decoder_ids": null,
  "is_multilingual": true,
  "lang_to_id": {
    "<|en|>": 50259,
    "<|zh|>": 50260
  },
  "max_initial_timestamp_index": 50,
  "max_length": 448,
  "no_timestamps_token_id": 50363,
  "pad_token_id": 50257,
  "prev_sot_token_id": 50361,
  "return_timestamps": false,
  "suppress_tokens": [
    1,
    2
  ],
  "task_to_id": {
    "transcribe": 50359,
    "translate": 50358
  }
}
`);
  });

  it("gives large-v3's layout all 100 languages and its shifted task ids", () => {
    const t = whisperSpecialTokens(51866);
    const g = whisperGenerationConfig(whisperPreset('whisper-large-v3'), t, stockValues(t));
    expect(g.is_multilingual).toBe(true);
    const langs = g.lang_to_id as Record<string, number>;
    expect(Object.keys(langs)).toHaveLength(100);
    expect(langs).toMatchObject({ '<|en|>': 50259, '<|su|>': 50357, '<|yue|>': 50358 });
    expect(g.task_to_id).toEqual({ transcribe: 50360, translate: 50359 });
    expect(g.suppress_tokens).toHaveLength(88);
    expect(g).not.toHaveProperty('alignment_heads');
    expect(g).not.toHaveProperty('transformers_version');
  });

  it("decides multilingual by HF's rule (vocab_size >= 51865), whatever tables are passed", () => {
    const t = whisperSpecialTokens(51865);
    const g = whisperGenerationConfig({ vocab_size: 24, max_target_positions: 8 }, t, stockValues(t));
    expect(g.is_multilingual).toBe(false);
    expect(g).not.toHaveProperty('lang_to_id');
    expect(g).not.toHaveProperty('task_to_id');
    expect(g.max_length).toBe(8);
  });

  it('copies the lists it is given', () => {
    const values = {
      suppressTokens: [1],
      beginSuppressTokens: [2],
      langToId: {},
      alignmentHeads: [[0, 1]] as [number, number][],
    };
    const g = whisperGenerationConfig(whisperPreset('whisper-tiny'), whisperSpecialTokens(51865), values);
    (g.suppress_tokens as number[]).push(9);
    (g.alignment_heads as number[][])[0].push(9);
    expect(values).toEqual({ suppressTokens: [1], beginSuppressTokens: [2], langToId: {}, alignmentHeads: [[0, 1]] });
  });
});

describe('whisperPreprocessorConfig', () => {
  it("writes WhisperFeatureExtractor's settings with the model's mel bins", () => {
    expect(checkpointJsonText(whisperPreprocessorConfig(WHISPER_PRESETS['whisper-large-v3']))).toBe(`{
  "chunk_length": 30,
  "feature_extractor_type": "WhisperFeatureExtractor",
  "feature_size": 128,
  "hop_length": 160,
  "n_fft": 400,
  "n_samples": 480000,
  "nb_max_frames": 3000,
  "padding_side": "right",
  "padding_value": 0,
  "processor_class": "WhisperProcessor",
  "return_attention_mask": false,
  "sampling_rate": 16000
}
`);
  });
});

describe('whisperConfigDefaults', () => {
  it('holds the fields every preset shares, as a fresh object per call', () => {
    const d = whisperConfigDefaults();
    for (const preset of Object.values(WHISPER_PRESETS)) expect(preset).toMatchObject(d);
    d.architectures.push('x');
    expect(whisperConfigDefaults().architectures).toEqual(['WhisperForConditionalGeneration']);
    expect(d).toMatchObject({ activation_function: 'gelu', scale_embedding: false, forced_decoder_ids: null });
  });
});

describe('tokenizer files', () => {
  // In id order: <|endoftext|>, two specials, a timestamp; one token with explicit flags.
  const added: WhisperAddedToken[] = [
    { id: 50257, content: WHISPER_END_OF_TEXT, special: true },
    { id: 50259, content: '<|en|>', special: true },
    { id: 50258, content: '<|startoftranscript|>', special: true },
    { id: 50364, content: '<|0.00|>', special: false },
    { id: 50365, content: '<|0.02|>', special: false, lstrip: true, normalized: false },
  ];

  it('lists the specials other than <|endoftext|> in id order', () => {
    expect(whisperAdditionalSpecialTokens(added)).toEqual(['<|startoftranscript|>', '<|en|>']);
    expect(whisperSpecialTokensMap(added)).toEqual({
      additional_special_tokens: ['<|startoftranscript|>', '<|en|>'],
      bos_token: '<|endoftext|>',
      eos_token: '<|endoftext|>',
      pad_token: '<|endoftext|>',
      unk_token: '<|endoftext|>',
    });
  });

  it("describes every added token, absent flags at HF's defaults", () => {
    const tc = whisperTokenizerConfig(added, { cleanUpTokenizationSpaces: true });
    const plain = { lstrip: false, rstrip: false, single_word: false };
    expect(tc).toEqual({
      add_bos_token: false,
      add_prefix_space: false,
      added_tokens_decoder: {
        '50257': { content: '<|endoftext|>', ...plain, normalized: false, special: true },
        '50258': { content: '<|startoftranscript|>', ...plain, normalized: false, special: true },
        '50259': { content: '<|en|>', ...plain, normalized: false, special: true },
        '50364': { content: '<|0.00|>', ...plain, normalized: true, special: false },
        '50365': { content: '<|0.02|>', ...plain, lstrip: true, normalized: false, special: false },
      },
      additional_special_tokens: ['<|startoftranscript|>', '<|en|>'],
      bos_token: '<|endoftext|>',
      clean_up_tokenization_spaces: true,
      eos_token: '<|endoftext|>',
      errors: 'replace',
      model_max_length: 1024,
      pad_token: '<|endoftext|>',
      processor_class: 'WhisperProcessor',
      return_attention_mask: false,
      tokenizer_class: 'WhisperTokenizer',
      unk_token: '<|endoftext|>',
    });
    expect(whisperTokenizerConfig(added, { cleanUpTokenizationSpaces: false }).clean_up_tokenization_spaces).toBe(
      false
    );
  });

  it('writes merges.txt with the version header and a final newline', () => {
    expect(whisperMergesText(['a b', '\u0120 a'])).toBe('#version: 0.2\na b\n\u0120 a\n');
    expect(whisperMergesText([])).toBe('#version: 0.2\n\n');
  });
});
