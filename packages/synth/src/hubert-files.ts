/**
 * The side files a HubertForCTC checkpoint needs besides its weights: config, the character-level CTC
 * tokenizer of facebook/hubert-large-ls960-ft, and Wav2Vec2FeatureExtractor settings.
 */
import { ModelError } from '@speechfold/core';
import type { HubertConfig } from '@speechfold/adapter-hubert';
import { writeJsonFile } from './json-files';

/** The 32 CTC symbols of facebook/hubert-large-ls960-ft in id order; '|' separates words. */
// prettier-ignore
export const HUBERT_CTC_VOCAB: readonly string[] = [
  '<pad>', '<s>', '</s>', '<unk>', '|', 'E', 'T', 'A', 'O', 'N', 'I', 'H', 'S', 'R', 'D', 'L', 'U',
  'M', 'W', 'C', 'F', 'G', 'Y', 'P', 'B', 'V', 'K', "'", 'X', 'J', 'Q', 'Z',
];

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
  const specials = { bos_token: '<s>', eos_token: '</s>', pad_token: '<pad>', unk_token: '<unk>' };
  return [
    await writeJsonFile(dir, 'config.json', config),
    await writeJsonFile(dir, 'vocab.json', Object.fromEntries(HUBERT_CTC_VOCAB.map((s, id) => [s, id]))),
    await writeJsonFile(dir, 'tokenizer_config.json', {
      ...specials,
      do_lower_case: false,
      tokenizer_class: 'Wav2Vec2CTCTokenizer',
      word_delimiter_token: '|',
    }),
    await writeJsonFile(dir, 'special_tokens_map.json', specials),
    await writeJsonFile(dir, 'preprocessor_config.json', {
      do_normalize: true,
      feature_extractor_type: 'Wav2Vec2FeatureExtractor',
      feature_size: 1,
      padding_side: 'right',
      padding_value: 0,
      return_attention_mask: true,
      sampling_rate: 16000,
    }),
  ];
}
