/**
 * A HuBERT checkpoint as a whole: which layout it is stored in (HubertForCTC with the 'hubert.'
 * prefix and lm_head, or HubertModel without either), and whether its tensors are exactly what its
 * config.json (stock fields, or the per-layer widths of an extended export) implies.
 */
import type { ModelDescription, TensorInfo } from '@speechfold/core';
import { checkTensors, readSpeechfoldKey, SPEECHFOLD_KEY } from '@speechfold/adapter-common';
import { hubertParameters, type HubertLayout } from './architecture';
import type { HubertConfig } from './config';
import { validateHubertConfig } from './validate';
import { hubertLayerWidths } from './widths';

/** ModelDescription carries no path; errors name the config by its file name. */
export const CONFIG_FILE = 'config.json';

/** HubertForCTC's base-model prefix; HubertModel files store the same names without it. */
const CTC_PREFIX = 'hubert.';

/** A validated config with the layout its tensors are stored in. */
export interface ResolvedHubert {
  config: HubertConfig;
  layout: HubertLayout;
}

/** 'hubert.' when the stored names carry HubertForCTC's prefix, else '' (HubertModel). */
export function detectHubertPrefix(tensors: readonly TensorInfo[]): string {
  return tensors.some((t) => t.name.startsWith(CTC_PREFIX)) ? CTC_PREFIX : '';
}

/**
 * The config (checked) and layout of a model: the prefix comes from the tensor names, since
 * HubertModel checkpoints drop it; lm_head is expected for HubertForCTC only; widths per layer.
 */
export function resolveHubert(model: ModelDescription): ResolvedHubert {
  const config = validateHubertConfig(model.config, CONFIG_FILE);
  const layout: HubertLayout = {
    prefix: detectHubertPrefix(model.tensors),
    ctcHead: config.architectures.includes('HubertForCTC'),
    layers: hubertLayerWidths(model.config, CONFIG_FILE),
  };
  return { config, layout };
}

/**
 * torch >= 2.1 saves the weight-normed positional conv under parametrization names; they hold the
 * same g and v, so they count as the classic names.
 */
function canonicalName(name: string): string {
  return name
    .replace(/pos_conv_embed\.conv\.parametrizations\.weight\.original0$/, 'pos_conv_embed.conv.weight_g')
    .replace(/pos_conv_embed\.conv\.parametrizations\.weight\.original1$/, 'pos_conv_embed.conv.weight_v');
}

function describeConfig(config: HubertConfig, extended: boolean): string {
  const architecture = config.architectures.includes('HubertForCTC') ? 'HubertForCTC' : 'HubertModel';
  const widths = extended ? `; per-layer widths from '${SPEECHFOLD_KEY}.layers'` : '';
  return (
    `${architecture}, hidden_size ${config.hidden_size}, num_hidden_layers ${config.num_hidden_layers}, ` +
    `num_attention_heads ${config.num_attention_heads}, intermediate_size ${config.intermediate_size}${widths}`
  );
}

/** Checks that config.json and the tensors agree; throws ModelError naming the field or tensor at fault. */
export function validateHubertModel(model: ModelDescription): void {
  const { config, layout } = resolveHubert(model);
  const expected = hubertParameters(config, layout);
  const stored = model.tensors.map((t) => ({ ...t, name: canonicalName(t.name) }));
  const hasLayers = readSpeechfoldKey(model.config, CONFIG_FILE)?.layers !== undefined;
  checkTensors(expected, stored, {
    context: describeConfig(config, hasLayers),
    // HF creates masked_spec_embed only when SpecAugment can mask; a config edited to mask nothing
    // still loads a file that has it.
    allowExtra: (t) => t.name === `${layout.prefix}masked_spec_embed` && t.shape.join() === `${config.hidden_size}`,
  });
}
