/**
 * The HuBERT ModelAdapter: detection by model_type, config/tensor validation, fold groups and the
 * config rewrite, each delegated to its own module. Register it under TOKENS.ModelAdapter (or use
 * `hubertAdapter()`); the Pipeline picks the adapter whose `matches` accepts the config.
 */
import { injectable } from 'tsyringe';
import type { FoldGroup, ModelAdapter, ModelDescription } from '@speechfold/core';
import { hubertGroups } from './groups';
import { validateHubertModel } from './model-check';
import { rewriteHubertConfig } from './rewrite';

/** Model knowledge for HuBERT checkpoints (HubertForCTC, HubertModel; either layer-norm order). */
@injectable()
export class HubertAdapter implements ModelAdapter {
  readonly id = 'hubert';

  /**
   * Any model_type 'hubert' config: an unsupported architecture is then refused by `validate` with a
   * message naming the field, which says more than "unknown model type" would.
   */
  matches(config: Record<string, unknown>): boolean {
    return config.model_type === 'hubert';
  }

  validate(model: ModelDescription): void {
    validateHubertModel(model);
  }

  groups(model: ModelDescription, kinds: readonly string[]): FoldGroup[] {
    return hubertGroups(model, kinds);
  }

  rewriteConfig(model: ModelDescription, kept: Map<string, number>, mode: string): Record<string, unknown> {
    return rewriteHubertConfig(model, kept, mode);
  }
}

/** A new HubertAdapter, for registries that take instances. */
export function hubertAdapter(): HubertAdapter {
  return new HubertAdapter();
}
