import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FormatError, PathError } from '@speechfold/core';
import { loadLibriSpeech } from './librispeech';
import { LIBRISPEECH } from './shared-data.test-helper';

describe('loadLibriSpeech on the shared splits', () => {
  it.each([
    ['test-clean', 25],
    ['test-other', 50],
  ])('%s has %i utterances and no problems', async (split, count) => {
    const dataset = await loadLibriSpeech(path.join(LIBRISPEECH, split));
    expect(dataset.problems).toEqual([]);
    expect(dataset.utterances).toHaveLength(count);
    for (const u of dataset.utterances) {
      expect(path.basename(u.audioPath)).toBe(`${u.id}.flac`);
      expect(fs.existsSync(u.audioPath)).toBe(true);
      expect(u.reference).toMatch(/^[A-Z' ]+$/);
    }
    const ids = dataset.utterances.map((u) => u.id);
    expect(ids).toEqual([...ids].sort());
  });

  it('pairs ids with their transcript lines', async () => {
    const { utterances } = await loadLibriSpeech(path.join(LIBRISPEECH, 'test-clean'));
    expect(utterances.find((u) => u.id === '1089-134686-0001')?.reference).toBe('STUFF IT INTO YOU HIS BELLY COUNSELLED HIM');
  });
});

describe('loadLibriSpeech on a made-up split', () => {
  let root: string;
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'speechfold-libri-'));
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  function chapter(speaker: string, chapterId: string, lines: string[], audioIds: string[]): string {
    const dir = path.join(root, 'split', speaker, chapterId);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, `${speaker}-${chapterId}.trans.txt`), lines.join('\n') + '\n');
    for (const id of audioIds) fs.writeFileSync(path.join(dir, `${id}.flac`), 'not decoded by the loader');
    return dir;
  }

  it('records a transcript line without audio and audio without a line as named problems', async () => {
    const dir = chapter('7', '99', ['7-99-0000 HELLO THERE', '7-99-0001 NO AUDIO FOR ME'], ['7-99-0000', '7-99-0002']);
    const dataset = await loadLibriSpeech(path.join(root, 'split'));
    expect(dataset.utterances).toEqual([{ id: '7-99-0000', audioPath: path.join(dir, '7-99-0000.flac'), reference: 'HELLO THERE' }]);
    const transcript = path.join(dir, '7-99.trans.txt');
    expect(dataset.problems).toEqual([
      { kind: 'missing-audio', file: transcript, id: '7-99-0001', line: 2, message: expect.stringContaining('7-99-0001') },
      { kind: 'missing-transcript', file: path.join(dir, '7-99-0002.flac'), id: '7-99-0002', message: expect.stringContaining('7-99-0002') },
    ]);
  });

  it('records malformed and duplicate lines and an unreadable transcript', async () => {
    const dir = chapter('7', '99', ['7-99-0000 HELLO', '7-99-0001', '7-99-0000 AGAIN'], ['7-99-0000']);
    const other = path.join(root, 'split', '8', '100');
    fs.mkdirSync(other, { recursive: true });
    fs.symlinkSync(path.join(other, 'gone.txt'), path.join(other, '8-100.trans.txt')); // a dangling link
    const dataset = await loadLibriSpeech(path.join(root, 'split'));
    expect(dataset.utterances.map((u) => u.id)).toEqual(['7-99-0000']);
    expect(dataset.problems.map((p) => [p.kind, p.file, p.line])).toEqual([
      ['malformed-line', path.join(dir, '7-99.trans.txt'), 2],
      ['duplicate-id', path.join(dir, '7-99.trans.txt'), 3],
      ['unreadable-transcript', path.join(other, '8-100.trans.txt'), undefined],
    ]);
  });

  it.each([
    ['CRLF (Windows)', '\r\n', ''],
    ['lone CR', '\r', ''],
    ['CRLF after a UTF-8 byte order mark', '\r\n', '\ufeff'],
  ])('reads a transcript with %s line ends like one with LF', async (_, eol, bom) => {
    const dir = path.join(root, 'split', '7', '99');
    fs.mkdirSync(dir, { recursive: true });
    for (const id of ['7-99-0000', '7-99-0001']) fs.writeFileSync(path.join(dir, `${id}.flac`), 'not decoded by the loader');
    fs.writeFileSync(path.join(dir, '7-99.trans.txt'), bom + ['7-99-0000 HELLO THERE', '', '7-99-0001 GOOD BYE', '7-99-0002'].join(eol) + eol);
    const dataset = await loadLibriSpeech(path.join(root, 'split'));
    expect(dataset.utterances).toEqual([
      { id: '7-99-0000', audioPath: path.join(dir, '7-99-0000.flac'), reference: 'HELLO THERE' },
      { id: '7-99-0001', audioPath: path.join(dir, '7-99-0001.flac'), reference: 'GOOD BYE' },
    ]);
    // Line numbers are still the editor's.
    expect(dataset.problems.map((p) => [p.kind, p.id, p.line])).toEqual([['malformed-line', '7-99-0002', 4]]);
  });

  it('a missing directory is a PathError and an empty split a FormatError, each naming it', async () => {
    const missing = path.join(root, 'nope');
    await expect(loadLibriSpeech(missing)).rejects.toThrow(PathError);
    await expect(loadLibriSpeech(missing)).rejects.toThrow(missing);
    const empty = path.join(root, 'empty');
    fs.mkdirSync(path.join(empty, '1', '2'), { recursive: true });
    await expect(loadLibriSpeech(empty)).rejects.toThrow(FormatError);
    await expect(loadLibriSpeech(empty)).rejects.toThrow(`${empty}: no LibriSpeech utterances found`);
    fs.writeFileSync(path.join(root, 'file'), '');
    await expect(loadLibriSpeech(path.join(root, 'file'))).rejects.toThrow(/expected a dataset directory/);
  });
});
