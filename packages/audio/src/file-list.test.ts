import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FormatError, PathError } from '@speechfold/core';
import { loadFileList } from './file-list';
import { LIBRISPEECH } from './shared-data.test-helper';

describe('loadFileList', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'speechfold-list-'));
    fs.writeFileSync(path.join(dir, 'a.wav'), '');
    fs.mkdirSync(path.join(dir, 'sub dir'));
    fs.writeFileSync(path.join(dir, 'sub dir', 'b.flac'), '');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reads path<TAB>reference lines and bare paths, relative to the list', async () => {
    const shared = path.join(LIBRISPEECH, 'test-clean/1089/134686/1089-134686-0001.flac');
    const list = path.join(dir, 'list.tsv');
    fs.writeFileSync(list, ['# comment', 'a.wav\tHELLO  WORLD ', '', 'sub dir/b.flac', `${shared}\tSTUFF IT`].join('\n'));
    const { utterances, problems } = await loadFileList(list);
    expect(problems).toEqual([]);
    expect(utterances).toEqual([
      { id: 'a.wav', audioPath: path.join(dir, 'a.wav'), reference: 'HELLO  WORLD' },
      { id: 'sub dir/b.flac', audioPath: path.join(dir, 'sub dir', 'b.flac') },
      { id: shared, audioPath: shared, reference: 'STUFF IT' },
    ]);
  });

  it.each([
    ['CRLF', '\r\n', ''],
    ['lone CR', '\r', ''],
    ['CRLF and a byte order mark', '\r\n', '\ufeff'],
  ])('reads a list with %s like one with LF', async (_, eol, bom) => {
    const list = path.join(dir, 'list.tsv');
    fs.writeFileSync(list, bom + ['a.wav\tHELLO', '# comment', 'sub dir/b.flac\tWORLD'].join(eol) + eol);
    const { utterances, problems } = await loadFileList(list);
    expect(problems).toEqual([]);
    expect(utterances).toEqual([
      { id: 'a.wav', audioPath: path.join(dir, 'a.wav'), reference: 'HELLO' },
      { id: 'sub dir/b.flac', audioPath: path.join(dir, 'sub dir', 'b.flac'), reference: 'WORLD' },
    ]);
  });

  it('records missing, unsupported and duplicate entries as named problems', async () => {
    const list = path.join(dir, 'list.txt');
    fs.writeFileSync(list, ['a.wav\tA', 'gone.flac\tB', 'notes.mp3\tC', 'a.wav\tD'].join('\n'));
    const { utterances, problems } = await loadFileList(list);
    expect(utterances.map((u) => u.id)).toEqual(['a.wav']);
    expect(problems.map((p) => [p.kind, p.id, p.line, p.file])).toEqual([
      ['missing-audio', 'gone.flac', 2, list],
      ['unsupported-audio', 'notes.mp3', 3, list],
      ['duplicate-id', 'a.wav', 4, list],
    ]);
  });

  it('a missing list is a PathError; a list without usable entries a FormatError', async () => {
    await expect(loadFileList(path.join(dir, 'none.txt'))).rejects.toThrow(PathError);
    const list = path.join(dir, 'bad.txt');
    fs.writeFileSync(list, 'gone.wav\n');
    await expect(loadFileList(list)).rejects.toThrow(FormatError);
    await expect(loadFileList(list)).rejects.toThrow(`${list}: the file list has no usable audio entries`);
  });
});
