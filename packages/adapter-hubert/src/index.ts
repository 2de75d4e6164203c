export type { HubertConfig, FeatExtractNorm } from './config';
export { HUBERT_PRESETS, hubertPreset, type HubertPresetId } from './presets';
export { hubertParameters, parameterCount, type ParameterSpec } from './architecture';
export { validateHubertConfig } from './validate';
