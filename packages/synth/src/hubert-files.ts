/**
 * The side files a HubertForCTC checkpoint needs besides its weights: config, and (from
 * adapter-hubert) the character-level CTC tokenizer of facebook/hubert-large-ls960-ft and the
 * Wav2Vec2FeatureExtractor settings.
 */
import { ModelError } from '@speechfold/core';
import {
  HUBERT_CTC_VOCAB,
  hubertCtcVocab,
  hubertPreprocessorConfig,
  hubertSpecialTokensMap,
  hubertTokenizerConfig,
  writeCheckpointJson,
  type HubertConfig,
} from '@speechfold/adapter-hubert';

/** Fails unless the CTC head has one row per tokenizer symbol (its rows are the tokenizer's ids). */
export function assertHubertVocabulary(config: HubertConfig): void {
  if (config.vocab_size !== HUBERT_CTC_VOCAB.length) {
    throw new ModelError(
      { file: 'config.json' },
      `field 'vocab_size': the synthetic HuBERT tokenizer has ${HUBERT_CTC_VOCAB.length} symbols, got ${config.vocab_size}`
    );
  }
}

/** Writes config.json (already complete) and the tokenizer and feature-extractor files; returns the file names. */
export async function writeHubertFiles(dir: string, config: HubertConfig): Promise<string[]> {
  assertHubertVocabulary(config);
  return [
    await writeCheckpointJson(dir, 'config.json', config),
    await writeCheckpointJson(dir, 'vocab.json', hubertCtcVocab()),
    await writeCheckpointJson(dir, 'tokenizer_config.json', hubertTokenizerConfig()),
    await writeCheckpointJson(dir, 'special_tokens_map.json', hubertSpecialTokensMap()),
    await writeCheckpointJson(dir, 'preprocessor_config.json', hubertPreprocessorConfig()),
  ];
}
