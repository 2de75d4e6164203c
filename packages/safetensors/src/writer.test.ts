import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { FormatError, OptionError, PathError } from '@speechfold/core';
import { makeTempDir, removeDir, snapshotDir } from './files.test-helper';
import { createCheckpointSink, createFileSink, openCheckpoint, openSafetensors } from './index';

let dir: string;
beforeEach(async () => {
  dir = await makeTempDir();
});
afterEach(async () => {
  await removeDir(dir);
});

async function writeModel(target: string, value: number, maxShardBytes?: number): Promise<void> {
  const sink = await createCheckpointSink(target, { maxShardBytes });
  await sink.addFloat32('a', 'F32', [4], new Float32Array(4).fill(value));
  await sink.addFloat32('b', 'F32', [4], new Float32Array(4).fill(value));
  await sink.commit();
}

describe('atomicity', () => {
  it('abort leaves a directory exactly as before, even after many adds', async () => {
    await writeModel(dir, 1);
    await fs.writeFile(path.join(dir, 'config.json'), '{}');
    const before = await snapshotDir(dir);
    const sink = await createCheckpointSink(dir, { maxShardBytes: 16 });
    expect((await fs.readdir(dir)).length).toBeGreaterThan(2); // the spool exists while writing
    for (let i = 0; i < 5; i++) await sink.addFloat32(`t${i}`, 'F32', [4], new Float32Array(4).fill(i));
    await sink.abort();
    expect(await snapshotDir(dir)).toEqual(before);
    await sink.abort(); // idempotent
    await expect(sink.addFloat32('x', 'F32', [1], new Float32Array(1))).rejects.toThrow(PathError);
    await expect(sink.commit()).rejects.toThrow(/already aborted/);
  });

  it('nothing is visible before commit, and commit replaces the old checkpoint', async () => {
    await writeModel(dir, 1);
    const sink = await createCheckpointSink(dir);
    await sink.addFloat32('a', 'F32', [2], new Float32Array([7, 7]));
    let src = await openSafetensors(path.join(dir, 'model.safetensors'));
    expect(Array.from(await src.readFloat32('a'))).toEqual([1, 1, 1, 1]);
    await src.close();
    await sink.commit();
    expect(await fs.readdir(dir)).toEqual(['model.safetensors']); // no temporaries left
    src = await openSafetensors(path.join(dir, 'model.safetensors'));
    expect(Array.from(await src.readFloat32('a'))).toEqual([7, 7]);
    expect(src.has('b')).toBe(false);
    await src.close();
    await expect(sink.commit()).rejects.toThrow(/already committed/);
    await sink.abort(); // after commit: nothing to undo, nothing removed
    expect(await fs.readdir(dir)).toEqual(['model.safetensors']);
  });

  it('a commit that fails leaves no temporaries and the old files untouched', async () => {
    await writeModel(dir, 1);
    const before = await snapshotDir(dir);
    const sink = await createFileSink(path.join(dir, 'model.safetensors'));
    await sink.addFloat32('a', 'F32', [1], new Float32Array([5]));
    const reader = await openSafetensors(path.join(dir, 'model.safetensors')); // opened after the sink
    await expect(sink.commit()).rejects.toThrow(/is open for reading in this process/);
    await reader.close();
    expect(await snapshotDir(dir)).toEqual(before);
  });

  it('refuses to write a single file under a stale index that readers would prefer', async () => {
    await writeModel(dir, 1, 16);
    const before = await snapshotDir(dir);
    const sink = await createCheckpointSink(dir);
    await sink.addFloat32('a', 'F32', [1], new Float32Array([5]));
    await expect(sink.commit()).rejects.toThrow(/model.safetensors.index.json: exists and readers prefer it/);
    expect(await snapshotDir(dir)).toEqual(before);
  });
});

describe('protected paths', () => {
  it('refuses a file sink over a protected file, also through a symlinked directory', async () => {
    const target = path.join(dir, 'in.safetensors');
    await fs.writeFile(target, 'original');
    await expect(createFileSink(target, { protectedPaths: [target] })).rejects.toThrow(PathError);
    await fs.symlink(dir, path.join(dir, 'alias'));
    const viaAlias = path.join(dir, 'alias', 'in.safetensors');
    await expect(createFileSink(viaAlias, { protectedPaths: [target] })).rejects.toThrow(
      /refusing to write over protected path/,
    );
    await expect(createFileSink(target, { protectedPaths: [viaAlias] })).rejects.toThrow(PathError);
    expect(await fs.readFile(target, 'utf8')).toBe('original');
    expect((await fs.readdir(dir)).sort()).toEqual(['alias', 'in.safetensors']);
  });

  it('refuses a checkpoint sink into a protected directory or over a protected checkpoint file', async () => {
    const input = path.join(dir, 'input');
    await fs.mkdir(input);
    await writeModel(input, 1);
    await expect(createCheckpointSink(input, { protectedPaths: [input] })).rejects.toThrow(PathError);
    await expect(
      createCheckpointSink(input, { protectedPaths: [path.join(input, 'model.safetensors')] }),
    ).rejects.toThrow(/could overwrite the protected path/);
    // Writing elsewhere is fine.
    const out = path.join(dir, 'out');
    await fs.mkdir(out);
    const sink = await createCheckpointSink(out, { protectedPaths: [input] });
    await sink.addFloat32('a', 'F32', [1], new Float32Array([1]));
    await sink.commit();
    expect(await fs.readdir(input)).toEqual(['model.safetensors']);
  });

  it('refuses to write over a checkpoint open for reading in this process', async () => {
    await writeModel(dir, 1);
    const src = await openCheckpoint(dir);
    await expect(createCheckpointSink(dir)).rejects.toThrow(/file open for reading/);
    await expect(createFileSink(path.join(dir, 'model.safetensors'))).rejects.toThrow(/open for reading/);
    await src.close();
    const sink = await createFileSink(path.join(dir, 'model.safetensors'));
    await sink.abort();
  });
});

describe('sink validation', () => {
  it('needs an existing directory and valid options', async () => {
    await expect(createCheckpointSink(path.join(dir, 'missing'))).rejects.toThrow(
      /missing: does not exist; expected an existing output directory/,
    );
    await expect(createFileSink(path.join(dir, 'missing', 'x.safetensors'))).rejects.toThrow(PathError);
    await fs.writeFile(path.join(dir, 'file'), '');
    await expect(createCheckpointSink(path.join(dir, 'file'))).rejects.toThrow(/is not a directory/);
    await expect(createCheckpointSink(dir, { maxShardBytes: 0 })).rejects.toThrow(OptionError);
    await expect(createCheckpointSink(dir, { maxShardBytes: 1.5 })).rejects.toThrow(OptionError);
    await expect(
      createCheckpointSink(dir, { metadata: { k: 1 } as unknown as Record<string, string> }),
    ).rejects.toThrow(OptionError);
    expect(await fs.readdir(dir)).toEqual(['file']);
  });

  it('refuses bad tensors with FormatErrors naming the file and tensor', async () => {
    const file = path.join(dir, 'x.safetensors');
    const sink = await createFileSink(file);
    await sink.addBytes('a', 'U8', [2], new Uint8Array(2));
    await expect(sink.addBytes('a', 'U8', [2], new Uint8Array(2))).rejects.toThrow(
      `${file}: tensor 'a': a tensor of this name was already added`,
    );
    await expect(sink.addBytes('b', 'I32', [2], new Uint8Array(7))).rejects.toThrow(/needs 8 bytes, found 7/);
    await expect(sink.addFloat32('c', 'F32', [3], new Float32Array(2))).rejects.toThrow(/needs 3 values, found 2/);
    await expect(sink.addFloat32('d', 'I64', [1], new Float32Array(1))).rejects.toThrow(
      /cannot encode float32 data as I64/,
    );
    await expect(sink.addBytes('__metadata__', 'U8', [1], new Uint8Array(1))).rejects.toThrow(FormatError);
    await expect(sink.addBytes('', 'U8', [1], new Uint8Array(1))).rejects.toThrow(FormatError);
    await expect(sink.addBytes('\ud800', 'U8', [1], new Uint8Array(1))).rejects.toThrow(/well-formed/);
    await expect(sink.addBytes('e', 'U16' as 'U8', [1], new Uint8Array(2))).rejects.toThrow(/unknown dtype U16/);
    await expect(sink.addBytes('f', 'U8', [-1], new Uint8Array(0))).rejects.toThrow(/non-negative integers/);
    await sink.commit();
    const src = await openSafetensors(file);
    expect(src.list().map((t) => t.name)).toEqual(['a']);
    await src.close();
  });

  it('writes names that are awkward in JavaScript objects', async () => {
    const sink = await createCheckpointSink(dir, { maxShardBytes: 1, metadata: { ['__proto__']: 'x' } });
    for (const name of ['__proto__', 'constructor', 'a"b\\c', '名前']) {
      await sink.addBytes(name, 'U8', [1], new Uint8Array([name.length]));
    }
    await sink.commit();
    const src = await openCheckpoint(dir);
    expect(
      src
        .list()
        .map((t) => t.name)
        .sort(),
    ).toEqual(['__proto__', 'a"b\\c', 'constructor', '名前'].sort());
    expect(Array.from(await src.readBytes('__proto__'))).toEqual([9]);
    expect(Object.keys(src.metadata())).toEqual(['__proto__']);
    await src.close();
  });
});
