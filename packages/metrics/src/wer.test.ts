import * as fs from 'node:fs';
import * as path from 'node:path';
import { alignWords, corpusWer, wer, words } from './wer';
import { normalizeText } from './normalize';
import { REFERENCE_FIXTURES } from './test-fixtures.test-helper';

interface JiwerCounts {
  substitutions: number;
  deletions: number;
  insertions: number;
  hits: number;
  wer: number;
}
interface JiwerPair extends JiwerCounts {
  reference: string;
  hypothesis: string;
  normalizedReference: string;
  normalizedHypothesis: string;
}

// Written by tools/reference/wer_reference.py (jiwer 4 on 'basic'-normalised pairs).
const fixture = JSON.parse(fs.readFileSync(path.join(REFERENCE_FIXTURES, 'wer-jiwer.json'), 'utf8')) as { pairs: JiwerPair[]; corpus: JiwerCounts };

describe('WER vs jiwer', () => {
  it('has the committed pairs', () => {
    expect(fixture.pairs.length).toBeGreaterThanOrEqual(30);
  });

  it.each(fixture.pairs.map((p, i) => [i, p] as const))('pair %i: same normalisation, counts and WER as jiwer', (_, pair) => {
    expect(normalizeText(pair.reference, { style: 'basic' })).toBe(pair.normalizedReference);
    expect(normalizeText(pair.hypothesis, { style: 'basic' })).toBe(pair.normalizedHypothesis);
    const ours = wer(pair.reference, pair.hypothesis, { style: 'basic' });
    const { substitutions, deletions, insertions, hits } = ours;
    expect({ substitutions, deletions, insertions, hits, wer: ours.wer }).toEqual({
      substitutions: pair.substitutions,
      deletions: pair.deletions,
      insertions: pair.insertions,
      hits: pair.hits,
      wer: pair.wer,
    });
  });

  it('corpus WER equals jiwer on the list of all pairs', () => {
    const ours = corpusWer(fixture.pairs, { style: 'basic' });
    const { substitutions, deletions, insertions, hits } = ours;
    expect({ substitutions, deletions, insertions, hits, wer: ours.wer }).toEqual(fixture.corpus);
  });
});

describe('wer', () => {
  it('counts substitutions, deletions and insertions', () => {
    expect(wer('a b c d', 'a x c d e')).toMatchObject({ substitutions: 1, deletions: 0, insertions: 1, hits: 3, referenceWords: 4, hypothesisWords: 5, wer: 0.5 });
    expect(wer('a b c', 'a')).toMatchObject({ deletions: 2, wer: 2 / 3 });
  });

  it('breaks ties like jiwer: A B vs B A is one deletion and one insertion, not two substitutions', () => {
    expect(alignWords(['A', 'B'], ['B', 'A'])).toMatchObject({ substitutions: 0, deletions: 1, insertions: 1, hits: 1 });
  });

  it('an empty reference gives the number of inserted words (as jiwer), 0 if both are empty', () => {
    expect(wer('', 'uh oh').wer).toBe(2);
    expect(wer('  ', '').wer).toBe(0);
    expect(wer('a b', '').wer).toBe(1);
  });

  it('corpus WER weighs utterances by their length, not equally', () => {
    const result = corpusWer([
      { reference: 'a', hypothesis: 'b' },
      { reference: 'a b c d e f g h i', hypothesis: 'a b c d e f g h i' },
    ]);
    expect(result.wer).toBeCloseTo(1 / 10, 12);
    expect(corpusWer([]).wer).toBe(0);
  });

  it('is case and punctuation sensitive unless a style is given', () => {
    expect(wer('Hello, world', 'hello world').wer).toBe(0.5); // 'Hello,' vs 'hello'
    expect(wer('Hello, world', 'hello world', { style: 'basic' }).wer).toBe(0);
  });

  it('splits on any whitespace', () => {
    expect(words(' a\tb\n c  ')).toEqual(['a', 'b', 'c']);
    expect(words('')).toEqual([]);
  });
});
