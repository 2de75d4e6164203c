import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { DTYPE_SIZE, numel, type DType } from '@speechfold/core';
import { DTYPES, decodeToFloat32, encodeFromFloat32 } from './dtypes';
import { makeTempDir, patternBytes, removeDir } from './files.test-helper';
import { openCheckpoint, openSafetensors, createCheckpointSink, createFileSink } from './index';

let dir: string;
beforeEach(async () => {
  dir = await makeTempDir();
});
afterEach(async () => {
  await removeDir(dir);
});

/** One tensor per dtype, with stored bytes that are valid for it (BOOL: 0/1). */
function sampleTensors(): { name: string; dtype: DType; shape: number[]; bytes: Uint8Array }[] {
  return DTYPES.map((dtype, i) => {
    const shape = [2, 3];
    const bytes = patternBytes(numel(shape) * DTYPE_SIZE[dtype], i + 1);
    if (dtype === 'BOOL') bytes.forEach((b, j) => (bytes[j] = b & 1));
    return { name: `layer.${i}.${dtype.toLowerCase()}`, dtype, shape, bytes };
  });
}

const f32Values = new Float32Array([0, -0, 1, -1.5, 65504, 1e-8, 3.14159, -(2 ** -24), 1e30, NaN, Infinity, -Infinity]);

describe('round trip through the sink and the readers', () => {
  it('keeps the bytes of every dtype, the metadata, and decodes like decodeToFloat32', async () => {
    const tensors = sampleTensors();
    const sink = await createCheckpointSink(dir, { metadata: { format: 'pt', note: 'ünïcode ✓' } });
    for (const t of tensors) await sink.addBytes(t.name, t.dtype, t.shape, t.bytes);
    await sink.addBytes('scalar', 'F64', [], encodeFromFloat32('F64', new Float32Array([0.5])));
    await sink.addBytes('empty', 'F16', [0, 4], new Uint8Array(0));
    await sink.commit();
    expect((await fs.readdir(dir)).sort()).toEqual(['model.safetensors']);

    const src = await openCheckpoint(dir);
    try {
      expect(src.metadata()).toEqual({ format: 'pt', note: 'ünïcode ✓' });
      expect(src.list()).toHaveLength(tensors.length + 2);
      for (const t of tensors) {
        expect(src.info(t.name)).toEqual({ name: t.name, dtype: t.dtype, shape: t.shape });
        expect(Buffer.from(await src.readBytes(t.name)).equals(Buffer.from(t.bytes))).toBe(true);
        expect(await src.readFloat32(t.name)).toEqual(decodeToFloat32(t.dtype, t.bytes));
      }
      expect(Array.from(await src.readFloat32('scalar'))).toEqual([0.5]);
      expect(src.info('empty').shape).toEqual([0, 4]);
      expect(await src.readFloat32('empty')).toHaveLength(0);
    } finally {
      await src.close();
    }
  });

  it('encodes f32 data to F32/F64 exactly and to F16/BF16 with rounding', async () => {
    const sink = await createCheckpointSink(dir);
    for (const dtype of ['F32', 'F64', 'F16', 'BF16'] as const) {
      await sink.addFloat32(`w.${dtype}`, dtype, [3, 4], f32Values);
    }
    await sink.commit();
    const src = await openSafetensors(path.join(dir, 'model.safetensors'));
    try {
      expect(await src.readFloat32('w.F32')).toEqual(f32Values);
      expect(await src.readFloat32('w.F64')).toEqual(f32Values);
      for (const dtype of ['F16', 'BF16'] as const) {
        expect(await src.readFloat32(`w.${dtype}`)).toEqual(
          decodeToFloat32(dtype, encodeFromFloat32(dtype, f32Values)),
        );
      }
      const f16 = Array.from(await src.readFloat32('w.F16'));
      expect(f16.slice(0, 5)).toEqual([0, -0, 1, -1.5, 65504]);
      expect(f16[10]).toBe(Infinity);
      expect(f16[8]).toBe(Infinity); // 1e30 overflows half
    } finally {
      await src.close();
    }
  });

  it('lays tensors out as the reference does (dtype alignment descending, then name) and pads the header', async () => {
    const sink = await createFileSink(path.join(dir, 'x.safetensors'));
    await sink.addBytes('b', 'U8', [3], new Uint8Array([1, 2, 3]));
    await sink.addBytes('z', 'F32', [1], new Uint8Array(4));
    await sink.addBytes('a', 'F32', [1], new Uint8Array(4));
    await sink.addBytes('m', 'I64', [1], new Uint8Array(8));
    await sink.addBytes('h', 'F16', [1], new Uint8Array(2));
    await sink.commit();
    const bytes = await fs.readFile(path.join(dir, 'x.safetensors'));
    const n = Number(bytes.readBigUInt64LE(0));
    expect((8 + n) % 8).toBe(0);
    const header = bytes.subarray(8, 8 + n).toString('utf8');
    expect(header).toMatch(/^\{"m":.*\} *$/);
    const parsed = JSON.parse(header) as Record<string, { data_offsets: [number, number] }>;
    const byOffset = Object.keys(parsed).sort((x, y) => parsed[x].data_offsets[0] - parsed[y].data_offsets[0]);
    expect(byOffset).toEqual(['m', 'a', 'z', 'h', 'b']);
    expect(bytes.length).toBe(8 + n + 8 + 4 + 4 + 2 + 3);
    expect(Array.from(bytes.subarray(bytes.length - 3))).toEqual([1, 2, 3]);
  });

  it('shards by size into HF-named files with an index, and reads them back', async () => {
    const tensors = sampleTensors();
    const sink = await createCheckpointSink(dir, { maxShardBytes: 100, metadata: { format: 'pt' } });
    for (const t of tensors) await sink.addBytes(t.name, t.dtype, t.shape, t.bytes);
    await sink.commit();
    const files = (await fs.readdir(dir)).sort();
    const shards = files.filter((f) => f !== 'model.safetensors.index.json');
    expect(files).toContain('model.safetensors.index.json');
    expect(shards.length).toBeGreaterThan(2);
    shards.forEach((f, i) =>
      expect(f).toBe(
        `model-${String(i + 1).padStart(5, '0')}-of-${String(shards.length).padStart(5, '0')}.safetensors`,
      ),
    );

    const index = JSON.parse(await fs.readFile(path.join(dir, 'model.safetensors.index.json'), 'utf8')) as {
      metadata: { total_size: number };
      weight_map: Record<string, string>;
    };
    const total = tensors.reduce((s, t) => s + t.bytes.length, 0);
    expect(index.metadata).toEqual({ total_size: total });
    expect(Object.keys(index.weight_map)).toEqual(tensors.map((t) => t.name).sort());
    for (const shard of shards) {
      const f = await openSafetensors(path.join(dir, shard));
      const size = f.list().reduce((s, t) => s + numel(t.shape) * DTYPE_SIZE[t.dtype], 0);
      expect(size <= 100 || f.list().length === 1).toBe(true);
      for (const t of f.list()) expect(index.weight_map[t.name]).toBe(shard);
      await f.close();
    }

    const src = await openCheckpoint(dir);
    try {
      expect(src.path).toBe(dir);
      expect(src.metadata()).toEqual({ format: 'pt' });
      expect(
        src
          .list()
          .map((t) => t.name)
          .sort(),
      ).toEqual(tensors.map((t) => t.name).sort());
      for (const t of tensors) {
        expect(src.has(t.name)).toBe(true);
        expect(Buffer.from(await src.readBytes(t.name)).equals(Buffer.from(t.bytes))).toBe(true);
        expect(await src.readFloat32(t.name)).toEqual(decodeToFloat32(t.dtype, t.bytes));
      }
    } finally {
      await src.close();
    }
  });

  it('writes a single model.safetensors when everything fits in one shard', async () => {
    const sink = await createCheckpointSink(dir, { maxShardBytes: 1 << 20 });
    await sink.addFloat32('w', 'F32', [2], new Float32Array([1, 2]));
    await sink.commit();
    expect(await fs.readdir(dir)).toEqual(['model.safetensors']);
  });

  it('writes and reads an empty checkpoint', async () => {
    const sink = await createCheckpointSink(dir);
    await sink.commit();
    const bytes = await fs.readFile(path.join(dir, 'model.safetensors'));
    expect(Array.from(bytes)).toEqual([8, 0, 0, 0, 0, 0, 0, 0, ...Buffer.from('{}      ')]);
    const src = await openCheckpoint(dir);
    expect(src.list()).toEqual([]);
    await src.close();
  });

  it('accepts adds that are not awaited one by one', async () => {
    const sink = await createCheckpointSink(dir);
    await Promise.all(
      Array.from({ length: 20 }, (_, i) => sink.addFloat32(`t${i}`, 'F32', [1], new Float32Array([i]))),
    );
    await sink.commit();
    const src = await openCheckpoint(dir);
    for (let i = 0; i < 20; i++) expect(Array.from(await src.readFloat32(`t${i}`))).toEqual([i]);
    await src.close();
  });
});
