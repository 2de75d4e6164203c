import { buildGenerationConfig, buildPreprocessorConfig } from './generation-config';
import type { Ct2WhisperDims } from './whisper-dims';
import type { WhisperTokenIds } from './whisper-token-ids';

const BASE_DIMS: Ct2WhisperDims = {
  dModel: 512,
  numMelBins: 80,
  encoderLayers: 6,
  decoderLayers: 6,
  encoderHeads: 8,
  decoderHeads: 8,
  encoderFfnDim: 2048,
  decoderFfnDim: 2048,
  vocabSize: 51865,
  maxSourcePositions: 1500,
  maxTargetPositions: 448,
  tiedProjection: true,
};

const MULTILINGUAL_IDS: WhisperTokenIds = {
  endOfText: 50257,
  startOfTranscript: 50258,
  translate: 50358,
  transcribe: 50359,
  startOfLm: 50360,
  startOfPrev: 50361,
  noSpeech: 50362,
  noTimestamps: 50363,
};

const CT2 = {
  suppressIds: [1, 2],
  suppressIdsBegin: [220, 50257],
  langIds: [50259, 50260],
  alignmentHeads: [[3, 1]] as [number, number][],
};

describe('buildGenerationConfig', () => {
  it('gives a multilingual model lang_to_id and task_to_id, as openai/whisper-base ships them', () => {
    const g = buildGenerationConfig(BASE_DIMS, MULTILINGUAL_IDS, CT2, { '<|en|>': 50259, '<|zh|>': 50260 });
    expect(g).toEqual({
      alignment_heads: [[3, 1]],
      begin_suppress_tokens: [220, 50257],
      bos_token_id: 50257,
      decoder_start_token_id: 50258,
      eos_token_id: 50257,
      forced_decoder_ids: null,
      is_multilingual: true,
      lang_to_id: { '<|en|>': 50259, '<|zh|>': 50260 },
      task_to_id: { transcribe: 50359, translate: 50358 },
      max_initial_timestamp_index: 50,
      max_length: 448,
      no_timestamps_token_id: 50363,
      pad_token_id: 50257,
      prev_sot_token_id: 50361,
      return_timestamps: false,
      suppress_tokens: [1, 2],
    });
  });

  it('leaves languages and tasks out for an English-only vocabulary (51864), as HF does', () => {
    const g = buildGenerationConfig({ ...BASE_DIMS, vocabSize: 51864 }, MULTILINGUAL_IDS, CT2, { '<|en|>': 50259 });
    expect(g.is_multilingual).toBe(false);
    expect(g).not.toHaveProperty('lang_to_id');
    expect(g).not.toHaveProperty('task_to_id');
  });
});

describe('buildPreprocessorConfig', () => {
  it('sets feature_size to the mel bins', () => {
    expect(buildPreprocessorConfig(128)).toMatchObject({
      feature_size: 128,
      sampling_rate: 16000,
      n_fft: 400,
      hop_length: 160,
    });
  });
});
