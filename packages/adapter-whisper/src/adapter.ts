/**
 * The Whisper ModelAdapter: detection by model_type, config/tensor validation, fold groups and the
 * config rewrite, each delegated to its own module. Register it under TOKENS.ModelAdapter (or use
 * `whisperAdapter()`); the Pipeline picks the adapter whose `matches` accepts the config.
 */
import { injectable } from 'tsyringe';
import type { FoldGroup, ModelAdapter, ModelDescription } from '@speechfold/core';
import { whisperGroups } from './groups';
import { validateWhisperModel } from './model-check';
import { rewriteWhisperConfig } from './rewrite';

/** Model knowledge for Whisper checkpoints (WhisperForConditionalGeneration). */
@injectable()
export class WhisperAdapter implements ModelAdapter {
  readonly id = 'whisper';

  /**
   * Any model_type 'whisper' config: an unsupported architecture is then refused by `validate` with a
   * message naming the field, which says more than "unknown model type" would.
   */
  matches(config: Record<string, unknown>): boolean {
    return config.model_type === 'whisper';
  }

  validate(model: ModelDescription): void {
    validateWhisperModel(model);
  }

  groups(model: ModelDescription, kinds: readonly string[]): FoldGroup[] {
    return whisperGroups(model, kinds);
  }

  rewriteConfig(model: ModelDescription, kept: Map<string, number>, mode: string): Record<string, unknown> {
    return rewriteWhisperConfig(model, kept, mode);
  }
}

/** A new WhisperAdapter, for registries that take instances. */
export function whisperAdapter(): WhisperAdapter {
  return new WhisperAdapter();
}
