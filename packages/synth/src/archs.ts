/**
 * The architectures synth can write, and how each maps to an adapter preset, a validated config and
 * its parameter list.
 */
import { OptionError } from '@speechfold/core';
import {
  hubertParameters,
  hubertPreset,
  validateHubertConfig,
  type HubertConfig,
  type HubertPresetId,
} from '@speechfold/adapter-hubert';
import {
  validateWhisperConfig,
  whisperParameters,
  whisperPreset,
  type WhisperConfig,
  type WhisperPresetId,
} from '@speechfold/adapter-whisper';
import type { TensorPlan } from './tensors';

/** Every architecture id, in the order help texts list them. */
export const ARCHS = [
  'hubert-tiny',
  'hubert-base',
  'hubert-large',
  'whisper-tiny',
  'whisper-tiny.en',
  'whisper-base',
  'whisper-large-v3',
] as const;

/** One architecture id. */
export type ArchId = (typeof ARCHS)[number];

/** Config fields to change in a preset (tests use them to shrink models). */
export type ConfigOverrides = Partial<HubertConfig> | Partial<WhisperConfig>;

/** A resolved model: its family, full validated config, and stored parameters. */
export type ModelPlan =
  | { family: 'hubert'; config: HubertConfig; parameters: TensorPlan[] }
  | { family: 'whisper'; config: WhisperConfig; parameters: TensorPlan[] };

/** Checks an --arch value, naming the choices when it is unknown. */
export function resolveArch(arch: unknown): ArchId {
  if (typeof arch === 'string' && (ARCHS as readonly string[]).includes(arch)) return arch as ArchId;
  throw new OptionError('--arch', `unknown architecture ${JSON.stringify(arch)}; choose one of: ${ARCHS.join(', ')}`);
}

function isHubert(arch: ArchId): arch is HubertPresetId {
  return arch.startsWith('hubert-');
}

/** The preset for `arch` with `overrides` applied, validated as config.json would be. */
export function planModel(arch: ArchId, overrides: ConfigOverrides = {}): ModelPlan {
  if (isHubert(arch)) {
    const merged: Record<string, unknown> = { ...hubertPreset(arch), ...overrides };
    // HF derives num_feat_extract_layers from conv_dim; follow a conv_dim override likewise.
    const convDim = merged.conv_dim;
    if ('conv_dim' in overrides && !('num_feat_extract_layers' in overrides) && Array.isArray(convDim)) {
      merged.num_feat_extract_layers = convDim.length;
    }
    const config = validateHubertConfig(merged, 'config.json');
    return { family: 'hubert', config, parameters: hubertParameters(config) };
  }
  const merged: Record<string, unknown> = { ...whisperPreset(arch as WhisperPresetId), ...overrides };
  // HF mirrors encoder_layers into num_hidden_layers; keep them together when only one is overridden.
  if ('encoder_layers' in overrides && !('num_hidden_layers' in overrides)) {
    merged.num_hidden_layers = merged.encoder_layers;
  }
  const config = validateWhisperConfig(merged, 'config.json');
  return { family: 'whisper', config, parameters: whisperParameters(config) };
}
