/**
 * Reading a Whisper tokenizer from its files in a model dir: vocab.json, merges.txt, and the added
 * tokens from added_tokens.json and tokenizer_config.json's added_tokens_decoder (which also says
 * which added tokens are special).
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { FormatError, PathError } from '@speechfold/core';
import { WhisperTokenizer, type AddedToken } from './bpe';

// Without tokenizer_config.json: Whisper's control tokens look like <|name|>; timestamps (<|1.00|>) are not special.
const SPECIAL_LOOKING = /^<\|[^|]*\|>$/;
const TIMESTAMP = /^<\|\d+\.\d+\|>$/;

/** A JSON file as an object; null when the file is absent and optional. */
export async function readJsonObject(file: string, optional: boolean): Promise<Record<string, unknown> | null> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (cause) {
    if (optional && (cause as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new PathError(file, `cannot read: ${(cause as Error).message}`, { cause });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw new FormatError({ file }, `expected JSON: ${(cause as Error).message}`, { cause });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new FormatError({ file }, 'expected a JSON object');
  return value as Record<string, unknown>;
}

function readIdMap(file: string, raw: Record<string, unknown>): Record<string, number> {
  for (const [token, id] of Object.entries(raw)) {
    if (!Number.isInteger(id) || (id as number) < 0) throw new FormatError({ file }, `token ${JSON.stringify(token)}: expected an id >= 0, got ${JSON.stringify(id)}`);
  }
  return raw as Record<string, number>;
}

async function readMerges(file: string): Promise<[string, string][]> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (cause) {
    throw new PathError(file, `cannot read: ${(cause as Error).message}`, { cause });
  }
  const merges: [string, string][] = [];
  for (const [i, line] of text.split('\n').entries()) {
    if (line.startsWith('#version') || line.trim() === '') continue;
    const parts = line.trim().split(/\s+/);
    if (parts.length !== 2) throw new FormatError({ file }, `line ${i + 1}: expected two tokens, got ${JSON.stringify(line)}`);
    merges.push([parts[0], parts[1]]);
  }
  return merges;
}

/** The added tokens by id: added_tokens.json's, with contents and special flags from added_tokens_decoder where given. */
function readAddedTokens(dir: string, addedJson: Record<string, unknown> | null, config: Record<string, unknown> | null): AddedToken[] {
  const byId = new Map<number, AddedToken>();
  if (addedJson !== null) {
    for (const [content, id] of Object.entries(readIdMap(path.join(dir, 'added_tokens.json'), addedJson))) {
      byId.set(id, { id, content, special: SPECIAL_LOOKING.test(content) && !TIMESTAMP.test(content) });
    }
  }
  const decoder = config?.added_tokens_decoder;
  if (typeof decoder === 'object' && decoder !== null) {
    const file = path.join(dir, 'tokenizer_config.json');
    for (const [key, entry] of Object.entries(decoder as Record<string, unknown>)) {
      const id = Number(key);
      const e = entry as { content?: unknown; special?: unknown };
      if (!Number.isInteger(id) || id < 0 || typeof e?.content !== 'string') {
        throw new FormatError({ file }, `added_tokens_decoder['${key}']: expected an id and an object with a 'content' string`);
      }
      byId.set(id, { id, content: e.content, special: e.special === true });
    }
  }
  return [...byId.values()].sort((a, b) => a.id - b.id);
}

/** Loads the tokenizer of a Whisper model dir. */
export async function loadTokenizer(dir: string): Promise<WhisperTokenizer> {
  const vocabFile = path.join(dir, 'vocab.json');
  const vocab = readIdMap(vocabFile, (await readJsonObject(vocabFile, false)) as Record<string, unknown>);
  const merges = await readMerges(path.join(dir, 'merges.txt'));
  const addedJson = await readJsonObject(path.join(dir, 'added_tokens.json'), true);
  const config = await readJsonObject(path.join(dir, 'tokenizer_config.json'), true);
  return new WhisperTokenizer({ vocab, merges, added: readAddedTokens(dir, addedJson, config) });
}
