/**
 * The HF config.json of the imported model: every dimension read from the weights' shapes, the
 * token ids from the tokenizer, the suppress lists from CTranslate2's config, and the fields every
 * OpenAI model has the same value for (training-only dropouts and SpecAugment) from adapter-whisper.
 */
import { whisperConfigDefaults, type WhisperConfig } from '@speechfold/adapter-whisper';
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
    // Includes activation_function 'gelu' (CTranslate2's GELU is the exact, erf one: checked in
    // whisper-settings) and scale_embedding false (decoder/scale_embeddings is 0: checked).
    ...whisperConfigDefaults(),
    vocab_size: dims.vocabSize,
    num_mel_bins: dims.numMelBins,
    d_model: dims.dModel,
    encoder_layers: dims.encoderLayers,
    encoder_attention_heads: dims.encoderHeads,
    decoder_layers: dims.decoderLayers,
    decoder_attention_heads: dims.decoderHeads,
    encoder_ffn_dim: dims.encoderFfnDim,
    decoder_ffn_dim: dims.decoderFfnDim,
    num_hidden_layers: dims.encoderLayers,
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
    tie_word_embeddings: dims.tiedProjection,
    max_length: dims.maxTargetPositions,
    torch_dtype: torchDtype,
  };
}
