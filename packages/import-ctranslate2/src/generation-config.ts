/**
 * generation_config.json and preprocessor_config.json of the imported model, laid out as OpenAI's
 * checkpoints on the HF hub ship them, so `generate(language=..., task=...)` and WhisperProcessor
 * work unchanged.
 */
import type { Ct2WhisperConfig } from './ct2-whisper-config';
import type { Ct2WhisperDims } from './whisper-dims';
import type { WhisperTokenIds } from './whisper-token-ids';

/** HF's rule (WhisperTokenizer, generate): a vocabulary this large is the multilingual one. */
const MULTILINGUAL_VOCAB = 51865;

/** generation_config.json; `languages` is '<|xx|>' -> id (left out for English-only models, as HF does). */
export function buildGenerationConfig(
  dims: Ct2WhisperDims,
  ids: WhisperTokenIds,
  ct2: Ct2WhisperConfig,
  languages: Record<string, number>,
): Record<string, unknown> {
  const multilingual = dims.vocabSize >= MULTILINGUAL_VOCAB;
  return {
    alignment_heads: ct2.alignmentHeads.map(([layer, head]) => [layer, head]),
    begin_suppress_tokens: [...ct2.suppressIdsBegin],
    bos_token_id: ids.endOfText,
    decoder_start_token_id: ids.startOfTranscript,
    eos_token_id: ids.endOfText,
    forced_decoder_ids: null,
    is_multilingual: multilingual,
    ...(multilingual
      ? { lang_to_id: { ...languages }, task_to_id: { transcribe: ids.transcribe, translate: ids.translate } }
      : {}),
    max_initial_timestamp_index: 50,
    max_length: dims.maxTargetPositions,
    no_timestamps_token_id: ids.noTimestamps,
    pad_token_id: ids.endOfText,
    prev_sot_token_id: ids.startOfPrev,
    return_timestamps: false,
    suppress_tokens: [...ct2.suppressIds],
  };
}

/** WhisperFeatureExtractor's settings: 30 s windows of 16 kHz audio, 10 ms hops, 25 ms FFT. */
export function buildPreprocessorConfig(numMelBins: number): Record<string, unknown> {
  return {
    chunk_length: 30,
    feature_extractor_type: 'WhisperFeatureExtractor',
    feature_size: numMelBins,
    hop_length: 160,
    n_fft: 400,
    n_samples: 480000,
    nb_max_frames: 3000,
    padding_side: 'right',
    padding_value: 0.0,
    processor_class: 'WhisperProcessor',
    return_attention_mask: false,
    sampling_rate: 16000,
  };
}
