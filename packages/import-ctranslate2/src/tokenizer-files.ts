/**
 * The tokenizer files of the imported model. tokenizer.json (HF's fast-tokenizer file, as the
 * CTranslate2 packages ship it) is copied unchanged; the slow WhisperTokenizer's files are derived
 * from it, so both load: vocab.json and merges.txt from its BPE model, added_tokens.json from its
 * added tokens that the BPE vocab lacks, plus tokenizer_config.json and special_tokens_map.json.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { FormatError } from '@speechfold/core';
import { writeJsonFile } from './json-io';
import type { AddedToken, TokenizerJson } from './tokenizer-json';

const END_OF_TEXT = '<|endoftext|>';

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

/** Special tokens other than <|endoftext|>, in id order (HF's additional_special_tokens). */
function additionalSpecial(tok: TokenizerJson): string[] {
  return tok.added
    .filter((t) => t.special && t.content !== END_OF_TEXT)
    .sort((a, b) => a.id - b.id)
    .map((t) => t.content);
}

function tokenizerConfig(tok: TokenizerJson): Record<string, unknown> {
  const decoder: Record<string, unknown> = {};
  for (const t of tok.added) {
    decoder[String(t.id)] = {
      content: t.content,
      lstrip: t.lstrip,
      normalized: t.normalized,
      rstrip: t.rstrip,
      single_word: t.single_word,
      special: t.special,
    };
  }
  return {
    add_bos_token: false,
    add_prefix_space: false,
    added_tokens_decoder: decoder,
    additional_special_tokens: additionalSpecial(tok),
    bos_token: END_OF_TEXT,
    // OpenAI's decoder never strips spaces before punctuation (transformers 5 ignores this for BPE and warns when true).
    clean_up_tokenization_spaces: false,
    eos_token: END_OF_TEXT,
    errors: 'replace',
    model_max_length: 1024,
    pad_token: END_OF_TEXT,
    processor_class: 'WhisperProcessor',
    return_attention_mask: false,
    tokenizer_class: 'WhisperTokenizer',
    unk_token: END_OF_TEXT,
  };
}

/** Writes the tokenizer files into `dir` from `tokenizerFile` (already parsed as `tok`); returns their names. */
export async function writeTokenizerFiles(dir: string, tokenizerFile: string, tok: TokenizerJson): Promise<string[]> {
  if (!tok.added.some((t) => t.content === END_OF_TEXT) && tok.vocab[END_OF_TEXT] === undefined) {
    throw new FormatError({ file: tokenizerFile }, `has no ${END_OF_TEXT} token; expected a Whisper tokenizer`);
  }
  await fs.copyFile(tokenizerFile, path.join(dir, 'tokenizer.json'));
  await fs.writeFile(path.join(dir, 'vocab.json'), idOrderedJson(Object.entries(tok.vocab)), 'utf8');
  // HF's slow reader drops the first line (the version header) and the empty last one.
  await fs.writeFile(
    path.join(dir, 'merges.txt'),
    `#version: 0.2\n${tok.merges.map(([a, b]) => `${a} ${b}`).join('\n')}\n`,
    'utf8',
  );
  const extra = extraTokens(tok, tokenizerFile);
  await fs.writeFile(path.join(dir, 'added_tokens.json'), idOrderedJson(extra.map((t) => [t.content, t.id])), 'utf8');
  return [
    'tokenizer.json',
    'vocab.json',
    'merges.txt',
    'added_tokens.json',
    await writeJsonFile(dir, 'special_tokens_map.json', {
      additional_special_tokens: additionalSpecial(tok),
      bos_token: END_OF_TEXT,
      eos_token: END_OF_TEXT,
      pad_token: END_OF_TEXT,
      unk_token: END_OF_TEXT,
    }),
    await writeJsonFile(dir, 'tokenizer_config.json', tokenizerConfig(tok)),
  ];
}
