import { promises as fs } from 'node:fs';
import path from 'node:path';
import { FormatError } from '@speechfold/core';
import { tempDir } from './fixtures.test-helper';
import { readTokenizerJson } from './tokenizer-json';
import { languageTokens, whisperTokenIds } from './whisper-token-ids';

let dir: string;
beforeEach(async () => {
  dir = await tempDir();
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

async function tokenizerFile(model: unknown, added: unknown[] = []): Promise<string> {
  const file = path.join(dir, 'tokenizer.json');
  await fs.writeFile(file, JSON.stringify({ version: '1.0', added_tokens: added, model }));
  return file;
}

const special = (id: number, content: string): Record<string, unknown> => ({
  id,
  content,
  special: true,
  normalized: false,
});

describe('readTokenizerJson', () => {
  it('reads merges as "a b" strings (old tokenizers) and as pairs (new)', async () => {
    const vocab = { a: 0, b: 1, ab: 2 };
    const old = await readTokenizerJson(await tokenizerFile({ type: 'BPE', vocab, merges: ['a b'] }));
    const pairs = await readTokenizerJson(await tokenizerFile({ type: 'BPE', vocab, merges: [['a', 'b']] }));
    expect(old.merges).toEqual([['a', 'b']]);
    expect(pairs.merges).toEqual([['a', 'b']]);
  });

  it('refuses a non-BPE model and a merge merges.txt could not hold, naming the file', async () => {
    const file = await tokenizerFile({ type: 'WordPiece', vocab: {} });
    await expect(readTokenizerJson(file)).rejects.toThrow(
      new RegExp(`^${file}: expected a Hugging Face tokenizer.json`),
    );
    await expect(
      readTokenizerJson(await tokenizerFile({ type: 'BPE', vocab: {}, merges: [['a b', 'c']] })),
    ).rejects.toBeInstanceOf(FormatError);
  });
});

describe('whisperTokenIds', () => {
  const added = [
    special(50256, '<|endoftext|>'),
    special(50257, '<|startoftranscript|>'),
    special(50258, '<|en|>'),
    special(50357, '<|translate|>'),
    special(50358, '<|transcribe|>'),
    special(50359, '<|startoflm|>'),
    special(50360, '<|startofprev|>'),
    special(50361, '<|nocaptions|>'),
    special(50362, '<|notimestamps|>'),
  ];

  it('finds the ids by text (an English-only layout: <|endoftext|> at 50256)', async () => {
    const tok = await readTokenizerJson(await tokenizerFile({ type: 'BPE', vocab: {}, merges: [] }, added));
    expect(whisperTokenIds(tok, 'tokenizer.json', 51864)).toEqual({
      endOfText: 50256,
      startOfTranscript: 50257,
      translate: 50357,
      transcribe: 50358,
      startOfLm: 50359,
      startOfPrev: 50360,
      noSpeech: 50361,
      noTimestamps: 50362,
    });
    expect(languageTokens(tok, 'config.json', [50258])).toEqual({ '<|en|>': 50258 });
    expect(() => languageTokens(tok, 'config.json', [50257])).toThrow(
      /language id 50257 of config.json is '<\|startoftranscript\|>'/,
    );
  });

  it('refuses a tokenizer without a special token, or one beyond the embeddings', async () => {
    const tok = await readTokenizerJson(await tokenizerFile({ type: 'BPE', vocab: {}, merges: [] }, added.slice(1)));
    expect(() => whisperTokenIds(tok, 'tokenizer.json', 51864)).toThrow(/tokenizer.json: has no <\|endoftext\|> token/);
    const all = await readTokenizerJson(await tokenizerFile({ type: 'BPE', vocab: {}, merges: [] }, added));
    expect(() => whisperTokenIds(all, 'tokenizer.json', 50300)).toThrow(
      /token <\|translate\|> has id 50357, beyond the model's 50300 embeddings/,
    );
  });
});
