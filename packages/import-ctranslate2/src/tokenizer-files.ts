/**
 * The tokenizer files of the imported model. tokenizer.json (HF's fast-tokenizer file, as the
 * CTranslate2 packages ship it) is copied unchanged; the slow WhisperTokenizer's files are derived
 * from it, so both load: vocab.json and merges.txt from its BPE model, added_tokens.json from its
 * added tokens that the BPE vocab lacks, plus tokenizer_config.json and special_tokens_map.json
 * (built by adapter-whisper, as for every Whisper checkpoint).
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { FormatError } from '@speechfold/core';
import {
  WHISPER_END_OF_TEXT as END_OF_TEXT,
  whisperMergesText,
  whisperSpecialTokensMap,
  whisperTokenizerConfig,
  writeCheckpointJson,
} from '@speechfold/adapter-whisper';
import type { AddedToken, TokenizerJson } from './tokenizer-json';

/** `{"token": id, ...}` in id order (a JS object would move integer-like keys such as "0" first). */
function idOrderedJson(entries: [string, number][]): string {
  const sorted = [...entries].sort((a, b) => a[1] - b[1]);
  return `{\n${sorted.map(([text, id]) => `  ${JSON.stringify(text)}: ${id}`).join(',\n')}\n}\n`;
}

/** Added tokens the BPE vocab does not already hold (with the same id). */
function extraTokens(tok: TokenizerJson, file: string): AddedToken[] {
  return tok.added.filter((t) => {
    const id = tok.vocab[t.content];
    if (id !== undefined && id !== t.id) {
      throw new FormatError({ file }, `added token ${t.content} has id ${t.id} but the BPE vocab gives it ${id}`);
    }
    return id === undefined;
  });
}

/** Writes the tokenizer files into `dir` from `tokenizerFile` (already parsed as `tok`); returns their names. */
export async function writeTokenizerFiles(dir: string, tokenizerFile: string, tok: TokenizerJson): Promise<string[]> {
  if (!tok.added.some((t) => t.content === END_OF_TEXT) && tok.vocab[END_OF_TEXT] === undefined) {
    throw new FormatError({ file: tokenizerFile }, `has no ${END_OF_TEXT} token; expected a Whisper tokenizer`);
  }
  await fs.copyFile(tokenizerFile, path.join(dir, 'tokenizer.json'));
  await fs.writeFile(path.join(dir, 'vocab.json'), idOrderedJson(Object.entries(tok.vocab)), 'utf8');
  await fs.writeFile(path.join(dir, 'merges.txt'), whisperMergesText(tok.merges.map(([a, b]) => `${a} ${b}`)), 'utf8');
  const extra = extraTokens(tok, tokenizerFile);
  await fs.writeFile(path.join(dir, 'added_tokens.json'), idOrderedJson(extra.map((t) => [t.content, t.id])), 'utf8');
  return [
    'tokenizer.json',
    'vocab.json',
    'merges.txt',
    'added_tokens.json',
    await writeCheckpointJson(dir, 'special_tokens_map.json', whisperSpecialTokensMap(tok.added)),
    // OpenAI's decoder never strips spaces before punctuation (transformers 5 ignores this for BPE and warns when true).
    await writeCheckpointJson(
      dir,
      'tokenizer_config.json',
      whisperTokenizerConfig(tok.added, { cleanUpTokenizationSpaces: false }),
    ),
  ];
}
