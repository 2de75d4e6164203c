import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PathError } from '@speechfold/core';
import { readJson, writeAtomic } from './files';

let root: string;
beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'speechfold-reproduce-files-'));
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

describe('readJson', () => {
  it('tells a missing file from an empty, truncated or valid one, never throwing', async () => {
    const file = path.join(root, 'x.json');
    expect(await readJson(file)).toEqual({ kind: 'missing' });
    fs.writeFileSync(file, '');
    expect(await readJson(file)).toEqual({ kind: 'bad', problem: 'is empty (truncated?)' });
    fs.writeFileSync(file, '{"wer": 0.');
    expect(await readJson(file)).toEqual({ kind: 'bad', problem: expect.stringMatching(/^is not valid JSON \(truncated\?\): /) });
    fs.writeFileSync(file, '{}');
    expect(await readJson(file)).toEqual({ kind: 'json', value: {} });
  });
});

describe('writeAtomic', () => {
  afterEach(() => jest.restoreAllMocks());

  it('turns a filesystem failure (a full disk) into a PathError naming the file, leaving no temp file', async () => {
    const dir = path.join(root, 'full');
    fs.mkdirSync(dir);
    const file = path.join(dir, 'cell.json');
    const enospc = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    jest.spyOn(fs.promises, 'rename').mockRejectedValue(enospc);
    const error = await writeAtomic(file, '{}').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PathError);
    expect((error as Error).message).toBe(`${file}: cannot write: ENOSPC (no space left on device)`);
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('writes the whole text or nothing', async () => {
    const file = path.join(root, 'ok.json');
    await writeAtomic(file, '{"a": 1}\n');
    expect(fs.readFileSync(file, 'utf8')).toBe('{"a": 1}\n');
    expect(fs.readdirSync(root).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});
