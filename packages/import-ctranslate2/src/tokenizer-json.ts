/**
 * The parts of a Hugging Face fast-tokenizer file (tokenizer.json) that Whisper's slow tokenizer
 * files are derived from: the byte-level BPE vocabulary and merges, and the added tokens. Merges
 * come as "a b" strings (tokenizers < 0.20) or ["a", "b"] pairs (newer); both are read.
 */
import { FormatError } from '@speechfold/core';
import { isObject, readJsonFile } from './json-io';

/** One entry of tokenizer.json's added_tokens. */
export interface AddedToken {
  id: number;
  content: string;
  special: boolean;
  lstrip: boolean;
  rstrip: boolean;
  normalized: boolean;
  single_word: boolean;
}

/** What the tokenizer files are built from. */
export interface TokenizerJson {
  /** BPE token -> id. */
  vocab: Record<string, number>;
  merges: [string, string][];
  /** In file order. */
  added: AddedToken[];
}

function readMerge(m: unknown, i: number, file: string): [string, string] {
  if (typeof m === 'string') {
    const pieces = m.split(' ');
    if (pieces.length === 2) return [pieces[0], pieces[1]];
  } else if (Array.isArray(m) && m.length === 2 && m.every((p) => typeof p === 'string')) {
    // merges.txt separates the pair with a space, so a piece holding one cannot be written there.
    if (!m.some((p: string) => p.includes(' '))) return [m[0] as string, m[1] as string];
  }
  throw new FormatError(
    { file },
    `model.merges[${i}]: expected "a b" or ["a", "b"] without spaces in the pieces, got ${JSON.stringify(m)}`,
  );
}

function readAdded(t: unknown, i: number, file: string): AddedToken {
  if (!isObject(t) || !Number.isInteger(t.id) || typeof t.content !== 'string') {
    throw new FormatError({ file }, `added_tokens[${i}]: expected an object with an integer id and a string content`);
  }
  return {
    id: t.id as number,
    content: t.content,
    special: t.special === true,
    lstrip: t.lstrip === true,
    rstrip: t.rstrip === true,
    normalized: t.normalized === true,
    single_word: t.single_word === true,
  };
}

/** Reads and checks tokenizer.json: a BPE model with a vocab object and a merges list. */
export async function readTokenizerJson(file: string): Promise<TokenizerJson> {
  const raw = await readJsonFile(file);
  if (!isObject(raw) || !isObject(raw.model) || raw.model.type !== 'BPE') {
    throw new FormatError({ file }, "expected a Hugging Face tokenizer.json with a model of type 'BPE'");
  }
  const { vocab, merges } = raw.model;
  if (!isObject(vocab) || !Object.values(vocab).every((id) => Number.isInteger(id) && (id as number) >= 0)) {
    throw new FormatError({ file }, 'model.vocab: expected an object of token -> id');
  }
  if (!Array.isArray(merges)) throw new FormatError({ file }, 'model.merges: expected a list');
  const added = raw.added_tokens ?? [];
  if (!Array.isArray(added)) throw new FormatError({ file }, 'added_tokens: expected a list');
  return {
    vocab: vocab as Record<string, number>,
    merges: merges.map((m, i) => readMerge(m, i, file)),
    added: added.map((t, i) => readAdded(t, i, file)),
  };
}
