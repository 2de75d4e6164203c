/**
 * The Hugging Face side files of a HubertForCTC checkpoint besides config.json, as
 * facebook/hubert-large-ls960-ft ships them: the character-level CTC tokenizer (vocab.json,
 * tokenizer_config.json, special_tokens_map.json) and the Wav2Vec2FeatureExtractor settings
 * (preprocessor_config.json). Builders return the content; write it with writeCheckpointJson.
 */

/** The 32 CTC symbols of facebook/hubert-large-ls960-ft in id order; '|' separates words. */
// prettier-ignore
export const HUBERT_CTC_VOCAB: readonly string[] = [
  '<pad>', '<s>', '</s>', '<unk>', '|', 'E', 'T', 'A', 'O', 'N', 'I', 'H', 'S', 'R', 'D', 'L', 'U',
  'M', 'W', 'C', 'F', 'G', 'Y', 'P', 'B', 'V', 'K', "'", 'X', 'J', 'Q', 'Z',
];

/** vocab.json: symbol -> id (the CTC head's row). */
export function hubertCtcVocab(): Record<string, number> {
  return Object.fromEntries(HUBERT_CTC_VOCAB.map((s, id) => [s, id]));
}

/** special_tokens_map.json: the CTC tokenizer's bos, eos, pad and unk symbols. */
export function hubertSpecialTokensMap(): Record<string, string> {
  return { bos_token: '<s>', eos_token: '</s>', pad_token: '<pad>', unk_token: '<unk>' };
}

/** tokenizer_config.json: Wav2Vec2CTCTokenizer on upper-case letters, '|' between words. */
export function hubertTokenizerConfig(): Record<string, unknown> {
  return {
    ...hubertSpecialTokensMap(),
    do_lower_case: false,
    tokenizer_class: 'Wav2Vec2CTCTokenizer',
    word_delimiter_token: '|',
  };
}

/** preprocessor_config.json: Wav2Vec2FeatureExtractor on 16 kHz mono samples, normalised per utterance. */
export function hubertPreprocessorConfig(): Record<string, unknown> {
  return {
    do_normalize: true,
    feature_extractor_type: 'Wav2Vec2FeatureExtractor',
    feature_size: 1,
    padding_side: 'right',
    padding_value: 0,
    return_attention_mask: true,
    sampling_rate: 16000,
  };
}
