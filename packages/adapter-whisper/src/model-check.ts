/**
 * A Whisper checkpoint as a whole: whether its tensors are exactly what its config.json (stock
 * fields, or the per-layer widths of an extended export) implies.
 */
import type { ModelDescription } from '@speechfold/core';
import { checkTensors, readSpeechfoldKey, SPEECHFOLD_KEY, type LayerWidths } from '@speechfold/adapter-common';
import { whisperParameters } from './architecture';
import type { WhisperConfig } from './config';
import { validateWhisperConfig } from './validate';
import { whisperLayerWidths } from './widths';

/** ModelDescription carries no path; errors name the config by its file name. */
export const CONFIG_FILE = 'config.json';

/** A validated config with each layer's widths. */
export interface ResolvedWhisper {
  config: WhisperConfig;
  layers: LayerWidths[];
}

/** The config (checked) and the per-layer widths of a model. */
export function resolveWhisper(model: ModelDescription): ResolvedWhisper {
  return {
    config: validateWhisperConfig(model.config, CONFIG_FILE),
    layers: whisperLayerWidths(model.config, CONFIG_FILE),
  };
}

function describeConfig(config: WhisperConfig, perLayer: boolean): string {
  const widths = perLayer ? `; per-layer widths from '${SPEECHFOLD_KEY}.layers'` : '';
  return (
    `WhisperForConditionalGeneration, d_model ${config.d_model}, ` +
    `encoder_layers ${config.encoder_layers}, decoder_layers ${config.decoder_layers}, ` +
    `encoder_attention_heads ${config.encoder_attention_heads}, ` +
    `decoder_attention_heads ${config.decoder_attention_heads}, ` +
    `encoder_ffn_dim ${config.encoder_ffn_dim}, decoder_ffn_dim ${config.decoder_ffn_dim}${widths}`
  );
}

/** Checks that config.json and the tensors agree; throws ModelError naming the field or tensor at fault. */
export function validateWhisperModel(model: ModelDescription): void {
  const { config, layers } = resolveWhisper(model);
  const perLayer = readSpeechfoldKey(model.config, CONFIG_FILE)?.layers !== undefined;
  checkTensors(whisperParameters(config, layers), model.tensors, {
    context: describeConfig(config, perLayer),
    // proj_out is tied to embed_tokens and HF leaves it out, but some exporters store the copy.
    allowExtra: (t) => t.name === 'proj_out.weight' && t.shape.join() === `${config.vocab_size},${config.d_model}`,
  });
}
