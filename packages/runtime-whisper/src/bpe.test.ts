/** Byte-level BPE against HF's WhisperTokenizer (fixture), and its own invariants. */
import { promises as fs } from 'node:fs';
import fc from 'fast-check';
import { synthesize } from '@speechfold/synth';
import { WhisperTokenizer } from './bpe';
import { BYTE_TO_CHAR, CHAR_TO_BYTE, tokenBytes } from './byte-unicode';
import { readFixture, tempDir } from './fixture.test-helper';
import { loadTokenizer } from './tokenizer-files';

const fixture = readFixture();
let dir: string;
let tokenizer: WhisperTokenizer;

// Hooks and tests run models on a plain-JS engine; shared CI machines can be slow.
jest.setTimeout(120_000);

beforeAll(async () => {
  dir = await tempDir('runtime-whisper-bpe-');
  await synthesize({ arch: 'whisper-tiny', outDir: dir, seed: 0, config: { d_model: 96, encoder_layers: 1, decoder_layers: 1 } });
  tokenizer = await loadTokenizer(dir);
});

afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

describe('the byte table', () => {
  test('maps 256 bytes to 256 distinct characters and back; space is Ġ', () => {
    expect(new Set(BYTE_TO_CHAR).size).toBe(256);
    BYTE_TO_CHAR.forEach((c, b) => expect(CHAR_TO_BYTE.get(c)).toBe(b));
    expect(BYTE_TO_CHAR[0x20]).toBe('Ġ');
    expect(BYTE_TO_CHAR[0x41]).toBe('A');
  });

  test('a token with a character outside the table stands for its own UTF-8 bytes', () => {
    expect(tokenBytes('Ġa')).toEqual([0x20, 0x61]);
    expect(tokenBytes('a\u4e00')).toEqual([...Buffer.from('a\u4e00', 'utf8')]);
  });
});

describe('decode equals HF WhisperTokenizer.decode', () => {
  test.each(fixture.tokenizer.decodes.map((d, i) => [i, d] as const))('case %i', (_i, d) => {
    expect(tokenizer.decode(d.ids, { skipSpecialTokens: d.skip_special_tokens })).toBe(d.text);
  });
});

describe('encode equals HF encode(add_special_tokens=False)', () => {
  test.each(fixture.tokenizer.encodes.map((e) => [e.text, e] as const))('%j', (_text, e) => {
    expect(tokenizer.encode(e.text)).toEqual(e.ids);
  });
});

test('special ids come from the tokenizer files', () => {
  expect(tokenizer.tokenToId('<|endoftext|>')).toBe(50257);
  expect(tokenizer.tokenToId('<|startoftranscript|>')).toBe(50258);
  expect(tokenizer.tokenToId('<|en|>')).toBe(50259);
  expect(tokenizer.tokenToId('<|notimestamps|>')).toBe(50363);
  expect(tokenizer.isSpecial(50257)).toBe(true);
  expect(tokenizer.isSpecial(50364)).toBe(false); // <|0.00|> is added but not special
  expect(tokenizer.size).toBe(51865);
});

test('decode(encode(text)) is the text for any string', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (text) => {
      // Added-token spellings inside the text are tokens of their own and timestamps vanish from decodes.
      fc.pre(!text.includes('<|'));
      expect(tokenizer.decode(tokenizer.encode(text))).toBe(text);
    }),
    { numRuns: 300 },
  );
});

test('a tokenizer built from data alone merges by rank', () => {
  const chars = ['a', 'b', 'c'];
  const vocab = Object.fromEntries([...chars, 'ab', 'abc', 'bc'].map((t, i) => [t, i]));
  const t = new WhisperTokenizer({ vocab, merges: [['a', 'b'], ['ab', 'c'], ['b', 'c']], added: [] });
  expect(t.encode('abc')).toEqual([vocab.abc]);
  expect(t.encode('bca')).toEqual([vocab.bc, vocab.a]);
});
