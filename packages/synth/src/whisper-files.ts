/**
 * The side files a Whisper checkpoint needs besides its weights: config, generation config, feature
 * extractor settings (built by adapter-whisper from the config and token layout), and a byte-level
 * BPE tokenizer that HF's WhisperTokenizer loads.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import {
  whisperBeginSuppressTokens,
  whisperGenerationConfig,
  whisperLangToId,
  whisperMergesText,
  whisperPreprocessorConfig,
  whisperSpecialTokensMap,
  whisperSuppressTokens,
  whisperTokenizerConfig,
  writeCheckpointJson,
  type WhisperConfig,
  type WhisperSpecialTokens,
} from '@speechfold/adapter-whisper';
import { buildWhisperVocabulary } from './whisper-vocab';

/**
 * Writes config.json (already complete), generation and preprocessor configs; returns the file names.
 * generation_config.json is OpenAI's for the layout, without alignment heads (the weights are random).
 */
export async function writeWhisperConfigFiles(
  dir: string,
  config: WhisperConfig,
  special: WhisperSpecialTokens,
  transformersVersion: string
): Promise<string[]> {
  const generation = whisperGenerationConfig(config, special, {
    suppressTokens: whisperSuppressTokens(special),
    beginSuppressTokens: whisperBeginSuppressTokens(special),
    langToId: whisperLangToId(special.languages),
    transformersVersion,
  });
  return [
    await writeCheckpointJson(dir, 'config.json', config),
    await writeCheckpointJson(dir, 'generation_config.json', generation),
    await writeCheckpointJson(dir, 'preprocessor_config.json', whisperPreprocessorConfig(config)),
  ];
}

/** Writes vocab.json, merges.txt, added_tokens.json, special_tokens_map.json and tokenizer_config.json. */
export async function writeWhisperTokenizerFiles(dir: string, special: WhisperSpecialTokens): Promise<string[]> {
  const v = buildWhisperVocabulary(special);
  const vocab = Object.fromEntries(v.tokens.map((token, id) => [token, id]));
  await fs.writeFile(path.join(dir, 'merges.txt'), whisperMergesText(v.merges), 'utf8');
  return [
    await writeCheckpointJson(dir, 'vocab.json', vocab),
    'merges.txt',
    await writeCheckpointJson(dir, 'added_tokens.json', Object.fromEntries(v.added.map((t) => [t.content, t.id]))),
    await writeCheckpointJson(dir, 'special_tokens_map.json', whisperSpecialTokensMap(v.added)),
    // clean_up_tokenization_spaces as OpenAI's hub files have it.
    await writeCheckpointJson(
      dir,
      'tokenizer_config.json',
      whisperTokenizerConfig(v.added, { cleanUpTokenizationSpaces: true })
    ),
  ];
}
