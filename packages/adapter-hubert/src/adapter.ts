/**
 * The HuBERT ModelAdapter: detection by model_type, config/tensor validation, fold groups and the
 * config rewrite, as @speechfold/adapter-common's `SpeechEncoderAdapter` does them for the HuBERT
 * family. Register it under TOKENS.ModelAdapter (or use `hubertAdapter()`); the Pipeline picks the
 * adapter whose `matches` accepts the config.
 */
import { injectable } from 'tsyringe';
import { SpeechEncoderAdapter } from '@speechfold/adapter-common';
import type { HubertConfig } from './config';
import { HUBERT_FAMILY } from './validate';

/** Model knowledge for HuBERT checkpoints (HubertForCTC, HubertModel; either layer-norm order), id 'hubert'. */
@injectable()
export class HubertAdapter extends SpeechEncoderAdapter<HubertConfig> {
  constructor() {
    super(HUBERT_FAMILY);
  }
}

/** A new HubertAdapter, for registries that take instances. */
export function hubertAdapter(): HubertAdapter {
  return new HubertAdapter();
}
