/**
 * The HF config.json of the imported model: every dimension read from the weights' shapes, the
 * token ids from the tokenizer, the suppress lists from CTranslate2's config, and HF's defaults
 * for the training-only fields (dropouts, SpecAugment), which are the same in every OpenAI model.
 */
import type { WhisperConfig } from '@speechfold/adapter-whisper';
import type { Ct2WhisperConfig } from './ct2-whisper-config';
import type { Ct2WhisperDims } from './whisper-dims';
import type { WhisperTokenIds } from './whisper-token-ids';

/** config.json for WhisperForConditionalGeneration; `torchDtype` records how the weights are stored. */
export function buildWhisperConfig(
  dims: Ct2WhisperDims,
  ids: WhisperTokenIds,
  ct2: Ct2WhisperConfig,
  torchDtype: 'float16' | 'float32',
): WhisperConfig {
  return {
    model_type: 'whisper',
    architectures: ['WhisperForConditionalGeneration'],
    vocab_size: dims.vocabSize,
    num_mel_bins: dims.numMelBins,
    d_model: dims.dModel,
    encoder_layers: dims.encoderLayers,
    encoder_attention_heads: dims.encoderHeads,
    decoder_layers: dims.decoderLayers,
    decoder_attention_heads: dims.decoderHeads,
    encoder_ffn_dim: dims.encoderFfnDim,
    decoder_ffn_dim: dims.decoderFfnDim,
    encoder_layerdrop: 0,
    decoder_layerdrop: 0,
    num_hidden_layers: dims.encoderLayers,
    // CTranslate2's GELU is the exact (erf) one (checked in whisper-settings), HF's 'gelu'.
    activation_function: 'gelu',
    dropout: 0,
    attention_dropout: 0,
    activation_dropout: 0,
    init_std: 0.02,
    // CTranslate2's decoder/scale_embeddings is 0 (checked): embeddings are not scaled.
    scale_embedding: false,
    max_source_positions: dims.maxSourcePositions,
    max_target_positions: dims.maxTargetPositions,
    pad_token_id: ids.endOfText,
    bos_token_id: ids.endOfText,
    eos_token_id: ids.endOfText,
    decoder_start_token_id: ids.startOfTranscript,
    // As OpenAI's hub configs (and HF's save_pretrained) keep them; generate() reads
    // generation_config.json. Language and task are chosen at generate() time, never forced here.
    begin_suppress_tokens: [...ct2.suppressIdsBegin],
    suppress_tokens: [...ct2.suppressIds],
    forced_decoder_ids: null,
    use_cache: true,
    is_encoder_decoder: true,
    tie_word_embeddings: dims.tiedProjection,
    use_weighted_layer_sum: false,
    classifier_proj_size: 256,
    apply_spec_augment: false,
    mask_time_prob: 0.05,
    mask_time_length: 10,
    mask_time_min_masks: 2,
    mask_feature_prob: 0,
    mask_feature_length: 10,
    mask_feature_min_masks: 0,
    median_filter_width: 7,
    max_length: dims.maxTargetPositions,
    torch_dtype: torchDtype,
  };
}
