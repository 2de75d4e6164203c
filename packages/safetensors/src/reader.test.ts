import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { FormatError, PathError } from '@speechfold/core';
import { makeTempDir, removeDir } from './files.test-helper';
import { createFileSink, openSafetensors } from './index';

let dir: string;
let file: string;
beforeEach(async () => {
  dir = await makeTempDir();
  file = path.join(dir, 'm.safetensors');
  const sink = await createFileSink(file);
  await sink.addFloat32('a', 'F32', [2, 2], new Float32Array([1, 2, 3, 4]));
  await sink.addFloat32('b', 'F16', [3], new Float32Array([1, 2, 3]));
  await sink.commit();
});
afterEach(async () => {
  await removeDir(dir);
});

describe('SafetensorsFile', () => {
  it('describes tensors without reading their data, and hands out copies', async () => {
    const src = await openSafetensors(file);
    expect(src.path).toBe(file);
    expect(src.list()).toEqual([
      { name: 'a', dtype: 'F32', shape: [2, 2] },
      { name: 'b', dtype: 'F16', shape: [3] },
    ]);
    src.list()[0].shape.push(9);
    src.info('a').shape.push(9);
    expect(src.info('a').shape).toEqual([2, 2]);
    expect(src.has('a')).toBe(true);
    expect(src.has('toString')).toBe(false);
    expect(() => src.info('c')).toThrow(
      `${file}: tensor 'c': no such tensor; expected one of the 2 tensors in the header`,
    );
    await expect(src.readFloat32('c')).rejects.toThrow(FormatError);
    await src.close();
  });

  it('reports a file truncated after opening as a FormatError instead of reading forever', async () => {
    const src = await openSafetensors(file);
    const size = (await fs.stat(file)).size;
    await fs.truncate(file, size - 3);
    await expect(src.readBytes('a')).resolves.toHaveLength(16); // stored first, still complete
    await expect(src.readBytes('b')).rejects.toThrow(/tensor 'b': file ended at byte \d+, expected 6 bytes/);
    await src.close();
  });

  it('refuses directories, missing files and files too short for a header', async () => {
    await expect(openSafetensors(dir)).rejects.toThrow(`${dir}: is not a regular file; expected a .safetensors file`);
    await expect(openSafetensors(path.join(dir, 'nope'))).rejects.toThrow(PathError);
    await fs.writeFile(path.join(dir, 'short'), Buffer.from([1, 2, 3]));
    await expect(openSafetensors(path.join(dir, 'short'))).rejects.toThrow(/file is 3 bytes; expected at least 8/);
  });
});
