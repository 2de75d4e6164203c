/**
 * The exact state-dict of HubertForCTC / HubertModel as stored in hub safetensors files: names and
 * shapes follow HF transformers' modeling_hubert.py (which reuses the wav2vec2 modules, so the list is
 * @speechfold/adapter-common's `speechEncoderParameters` under the 'hubert.' prefix), in module
 * order. A compressed checkpoint (extended export) differs only in its layers' widths.
 */
import {
  defaultSpeechEncoderLayout,
  speechEncoderParameters,
  type ParameterSpec,
  type SpeechEncoderLayout,
} from '@speechfold/adapter-common';
import type { HubertConfig } from './config';
import { HUBERT_FAMILY } from './validate';

/**
 * How a checkpoint stores HuBERT: `prefix` 'hubert.' in HubertForCTC files, '' in HubertModel files;
 * `ctcHead` whether lm_head is stored; `layers` one entry of widths per encoder layer.
 */
export type HubertLayout = SpeechEncoderLayout;

/** The layout HF's save_pretrained writes for this config: HubertForCTC with its prefix and head, else HubertModel. */
export function defaultHubertLayout(config: HubertConfig): HubertLayout {
  return defaultSpeechEncoderLayout(HUBERT_FAMILY, config);
}

/**
 * Every parameter the checkpoint stores for this config, in module order. `layout` overrides the
 * default one (HubertForCTC or HubertModel as `architectures` says, stock widths).
 */
export function hubertParameters(config: HubertConfig, layout: Partial<HubertLayout> = {}): ParameterSpec[] {
  const stock = defaultHubertLayout(config);
  return speechEncoderParameters(config, {
    prefix: layout.prefix ?? stock.prefix,
    ctcHead: layout.ctcHead ?? stock.ctcHead,
    layers: layout.layers ?? stock.layers,
  });
}

/** Total number of stored values (parameters) for this config (HubertForCTC or HubertModel, stock widths). */
export function parameterCount(config: HubertConfig): number {
  let total = 0;
  for (const p of hubertParameters(config)) total += p.shape.reduce((a, b) => a * b, 1);
  return total;
}
