import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { FormatError, PathError } from '@speechfold/core';
import { makeTempDir, removeDir } from './files.test-helper';
import { createFileSink, openCheckpoint } from './index';

let root: string;
let model: string;
let indexFile: string;
beforeEach(async () => {
  root = await makeTempDir();
  model = path.join(root, 'model');
  indexFile = path.join(model, 'model.safetensors.index.json');
  await fs.mkdir(model);
  await writeShard(path.join(model, 'a.safetensors'), ['x', 'y']);
  await writeShard(path.join(model, 'b.safetensors'), ['z']);
  await writeShard(path.join(root, 'evil.safetensors'), ['evil']);
});
afterEach(async () => {
  await removeDir(root);
});

async function writeShard(file: string, names: string[]): Promise<void> {
  const sink = await createFileSink(file, { metadata: { shard: path.basename(file) } });
  for (const n of names) await sink.addFloat32(n, 'F32', [1], new Float32Array([n.length]));
  await sink.commit();
}

async function writeIndex(weightMap: unknown, extra: Record<string, unknown> = {}): Promise<void> {
  await fs.writeFile(indexFile, JSON.stringify({ metadata: { total_size: 12 }, weight_map: weightMap, ...extra }));
}

async function openError(target: string = model): Promise<Error> {
  try {
    const src = await openCheckpoint(target);
    await src.close();
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected openCheckpoint to fail');
}

describe('sharded index', () => {
  it('opens a valid index and reads every tensor from its shard', async () => {
    await writeIndex({ x: 'a.safetensors', y: './a.safetensors', z: 'b.safetensors' });
    const src = await openCheckpoint(model);
    expect(src.list().map((t) => t.name)).toEqual(['x', 'y', 'z']);
    expect(Array.from(await src.readFloat32('z'))).toEqual([1]);
    expect(src.metadata()).toEqual({ shard: 'b.safetensors' });
    expect(() => src.info('nope')).toThrow(FormatError);
    expect(() => src.info('nope')).toThrow(/model.safetensors.index.json: tensor 'nope': no such tensor/);
    await src.close();
  });

  it('refuses an index whose weight_map lists no tensor (it would read as a model with 0 parameters)', async () => {
    await writeIndex({});
    const err = await openError();
    expect(err).toBeInstanceOf(FormatError);
    expect(err.message).toMatch(/model.safetensors.index.json: 'weight_map' is empty/);
  });

  it.each([
    ['../evil.safetensors', /shard "..\/evil.safetensors" is refused: '..' is not allowed/],
    ['/etc/passwd', /shard "\/etc\/passwd" is refused: an absolute path is not allowed/],
    ['sub/../../evil.safetensors', /'..' is not allowed/],
    ['C:\\evil.safetensors', /refused/],
    ['', /expected a non-empty file name/],
  ])('refuses the shard name %j', async (shard, message) => {
    await writeIndex({ x: 'a.safetensors', y: 'a.safetensors', evil: shard });
    const err = await openError();
    expect(err).toBeInstanceOf(FormatError);
    expect(err.message).toMatch(message);
    expect((err as FormatError).subject).toEqual({ file: indexFile, tensor: 'evil' });
  });

  it('refuses the absolute path of a real file outside the model dir', async () => {
    await writeIndex({ evil: path.join(root, 'evil.safetensors') });
    expect((await openError()).message).toMatch(/absolute path is not allowed/);
  });

  it('refuses a shard that resolves outside through a symlink', async () => {
    await fs.symlink(path.join(root, 'evil.safetensors'), path.join(model, 'link.safetensors'));
    await writeIndex({ evil: 'link.safetensors' });
    const err = await openError();
    expect(err).toBeInstanceOf(FormatError);
    expect(err.message).toMatch(/resolves to .*evil.safetensors, outside the model directory/);
  });

  it('refuses a missing shard, naming the index and the tensor', async () => {
    await writeIndex({ x: 'a.safetensors', y: 'a.safetensors', z: 'missing.safetensors' });
    const err = await openError();
    expect(err).toBeInstanceOf(FormatError);
    expect(err.message).toBe(
      `${indexFile}: tensor 'z': shard 'missing.safetensors' cannot be opened: it does not exist`,
    );
  });

  it('refuses a tensor its shard does not hold, and a shard tensor the index does not map there', async () => {
    await writeIndex({ x: 'a.safetensors', y: 'a.safetensors', z: 'a.safetensors' });
    expect((await openError()).message).toMatch(
      /tensor 'z': weight_map puts this tensor in 'a.safetensors', but that shard does not hold it/,
    );
    await writeIndex({ x: 'a.safetensors', z: 'b.safetensors' });
    const err = await openError();
    expect(err.message).toMatch(
      /a.safetensors: tensor 'y': this shard holds the tensor but model.safetensors.index.json does not map it here/,
    );
  });

  it('refuses malformed index files', async () => {
    await writeIndex(['a.safetensors']);
    expect((await openError()).message).toMatch(/'weight_map' must be an object/);
    await writeIndex({ x: 3 });
    expect((await openError()).message).toMatch(/shard 3 is refused/);
    await writeIndex({ x: 'a.safetensors' }, { metadata: 'nope' });
    expect((await openError()).message).toMatch(/'metadata' must be an object/);
    await fs.writeFile(indexFile, '{"weight_map":{"x":"a.safetensors","x":"b.safetensors"}}');
    expect((await openError()).message).toMatch(/tensor 'x': key 'x' appears twice in 'weight_map'/);
    await fs.writeFile(indexFile, '{"weight_map":');
    expect((await openError()).message).toMatch(/not valid UTF-8 JSON/);
    await fs.writeFile(indexFile, Buffer.from([0x7b, 0xff, 0x7d]));
    expect(await openError()).toBeInstanceOf(FormatError);
  });

  it('passes on a corrupt shard as a FormatError naming the shard', async () => {
    await fs.writeFile(path.join(model, 'b.safetensors'), Buffer.alloc(4));
    await writeIndex({ x: 'a.safetensors', y: 'a.safetensors', z: 'b.safetensors' });
    const err = await openError();
    expect(err).toBeInstanceOf(FormatError);
    expect(err.message).toMatch(/b.safetensors: file is 4 bytes; expected at least 8/);
  });
});

describe('openCheckpoint', () => {
  it('refuses a missing path with a PathError naming it', async () => {
    const missing = path.join(root, 'nope');
    const err = await openError(missing);
    expect(err).toBeInstanceOf(PathError);
    expect(err.message).toBe(`${missing}: does not exist`);
  });

  it('refuses a directory with neither file, saying what was expected', async () => {
    const empty = path.join(root, 'empty');
    await fs.mkdir(empty);
    const err = await openError(empty);
    expect(err).toBeInstanceOf(PathError);
    expect(err.message).toBe(
      `${empty}: is a directory without model.safetensors.index.json or model.safetensors; expected one of them`,
    );
  });

  it('opens a file directly, model.safetensors in a dir, and prefers the index', async () => {
    const file = await openCheckpoint(path.join(model, 'a.safetensors'));
    expect(file.list().map((t) => t.name)).toEqual(['x', 'y']);
    await file.close();
    await writeShard(path.join(model, 'model.safetensors'), ['only']);
    let src = await openCheckpoint(model);
    expect(src.list().map((t) => t.name)).toEqual(['only']);
    await src.close();
    await writeIndex({ x: 'a.safetensors', y: 'a.safetensors', z: 'b.safetensors' });
    src = await openCheckpoint(model);
    expect(src.list().map((t) => t.name)).toEqual(['x', 'y', 'z']);
    await src.close();
  });

  it('refuses reads after close', async () => {
    const src = await openCheckpoint(path.join(model, 'a.safetensors'));
    await src.close();
    await src.close();
    await expect(src.readBytes('x')).rejects.toThrow(PathError);
  });
});
