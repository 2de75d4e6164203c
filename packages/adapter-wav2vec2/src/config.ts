/**
 * The wav2vec2 config.json as Hugging Face transformers (5.x, configuration_wav2vec2.py) writes it for
 * Wav2Vec2ForCTC and Wav2Vec2Model. Field names are HF's (snake_case) because this object is written
 * to and read from config.json unchanged.
 */
import type { SpeechEncoderConfig } from '@speechfold/adapter-common';

/**
 * config.json of a Wav2Vec2ForCTC or Wav2Vec2Model checkpoint: the fields Wav2Vec2Config shares with
 * HubertConfig (`SpeechEncoderConfig` of @speechfold/adapter-common; wav2vec2 has no
 * `feat_proj_layer_norm`: its feature projection always has the LayerNorm), and wav2vec2's own fields,
 * every one of which save_pretrained writes.
 */
export interface Wav2Vec2Config extends SpeechEncoderConfig {
  model_type: 'wav2vec2';
  // Wav2Vec2ForPreTraining's quantizer and contrastive loss. Wav2Vec2ForCTC and Wav2Vec2Model build no
  // quantizer, so these decide no stored tensor: read (typed, as HF's strict config does) and kept.
  feat_quantizer_dropout: number;
  num_codevectors_per_group: number;
  num_codevector_groups: number;
  contrastive_logits_temperature: number;
  num_negatives: number;
  codevector_dim: number;
  proj_codevector_dim: number;
  diversity_loss_weight: number;
  // Wav2Vec2ForXVector's TDNN head: no tensor in the classes described here.
  tdnn_dim: number[];
  tdnn_kernel: number[];
  tdnn_dilation: number[];
  xvector_output_dim: number;
  /**
   * A convolutional adapter on top of the encoder (`wav2vec2.adapter.*`, and lm_head then reads
   * output_hidden_size features): not supported, so always false here.
   */
  add_adapter: false;
  adapter_kernel_size: number;
  adapter_stride: number;
  num_adapter_layers: number;
  /** Width of the adapter's output; HF writes hidden_size when unset. Decides no tensor without the adapter. */
  output_hidden_size: number;
  /** Per-layer attention adapters (MMS, `encoder.layers.L.adapter_layer.*`): not supported, so always null here. */
  adapter_attn_dim: null;
}
