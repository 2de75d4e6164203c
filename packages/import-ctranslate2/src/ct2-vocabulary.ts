/**
 * CTranslate2's own vocabulary file: vocabulary.json (a list of tokens, newer converters) or
 * vocabulary.txt (one token per line). The runtime maps ids through it, so its length must be the
 * number of embedding rows; a mismatch means the side files belong to another model.
 */
import { promises as fs } from 'node:fs';
import { FormatError, PathError } from '@speechfold/core';
import { readJsonFile } from './json-io';

/** Number of tokens in vocabulary.json / vocabulary.txt. */
export async function vocabularyLength(file: string): Promise<number> {
  if (file.endsWith('.json')) {
    const tokens = await readJsonFile(file);
    if (!Array.isArray(tokens)) throw new FormatError({ file }, 'expected a JSON list of tokens');
    return tokens.length;
  }
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (cause) {
    throw new PathError(file, `cannot read: ${(cause as Error).message}`, { cause });
  }
  const lines = text.split('\n');
  return lines[lines.length - 1] === '' ? lines.length - 1 : lines.length;
}

/** FormatError unless the vocabulary file lists exactly `vocabSize` tokens. */
export async function checkVocabularyLength(file: string, vocabSize: number): Promise<void> {
  const n = await vocabularyLength(file);
  if (n !== vocabSize) {
    throw new FormatError(
      { file },
      `lists ${n} tokens but model.bin has ${vocabSize} embedding rows: side files of another model?`,
    );
  }
}
