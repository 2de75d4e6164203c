import { ModelError } from '@speechfold/core';
import { argmaxRows, collapseCtc, ctcDecode } from './ctc';
import { readVocabulary } from './vocabulary';

const VOCAB = { '<pad>': 0, '<s>': 1, '</s>': 2, '<unk>': 3, '|': 4, E: 5, L: 6, H: 7, O: 8 };

describe('greedy CTC decoding', () => {
  const vocabulary = readVocabulary(VOCAB, 0, 9);

  it('collapses repeats, keeps a letter repeated across a blank, drops blanks', () => {
    // H H E <pad> L L <pad> L O O
    expect(collapseCtc([7, 7, 5, 0, 6, 6, 0, 6, 8, 8], 0)).toEqual([7, 5, 6, 6, 8]);
    expect(ctcDecode([7, 7, 5, 0, 6, 6, 0, 6, 8, 8], vocabulary)).toBe('HELLO');
  });

  it('turns the word delimiter into a space, drops special tokens, trims the ends', () => {
    expect(ctcDecode([4, 7, 8, 4, 4, 0, 1, 5, 3, 2, 4], vocabulary)).toBe('HO E');
  });

  it('takes the first maximum per row, as torch.argmax', () => {
    const logits = { data: Float32Array.of(1, 3, 3, -1, -2, -1), rows: 2, cols: 3 };
    expect(Array.from(argmaxRows(logits))).toEqual([1, 0]);
  });
});

describe('readVocabulary', () => {
  it('takes special tokens and the delimiter from the tokenizer files, AddedToken objects included', () => {
    const vocab = readVocabulary({ '[PAD]': 0, '[UNK]': 1, '/': 2, A: 3 }, 0, 4, { word_delimiter_token: '/' }, { unk_token: { content: '[UNK]' }, pad_token: '[PAD]' });
    expect(vocab.wordDelimiter).toBe('/');
    expect([...vocab.specialIds].sort()).toEqual([0, 1]);
    expect(ctcDecode([3, 2, 1, 3], vocab)).toBe('A A');
  });

  it('refuses ids outside the CTC head and a blank that is not a row', () => {
    expect(() => readVocabulary({ A: 9 }, 0, 4)).toThrow(ModelError);
    expect(() => readVocabulary({ A: 0 }, 7, 4)).toThrow(/pad_token_id/);
    expect(() => readVocabulary(['A'], 0, 4)).toThrow(ModelError);
  });
});
