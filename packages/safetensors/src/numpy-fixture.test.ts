/**
 * Cross-check against an independent writer: tools/reference/safetensors_numpy_writer.py builds a
 * file from the format description with numpy + json + struct only (not the safetensors library).
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { openSafetensors } from './index';

const FIXTURES = path.join(__dirname, '..', '..', '..', 'tools', 'reference', 'fixtures');

interface Expected {
  metadata: Record<string, string>;
  tensors: { name: string; dtype: string; shape: number[]; values: (number | string)[] }[];
}

function expectedNumber(v: number | string): number {
  if (v === 'NaN') return NaN;
  if (v === 'Infinity') return Infinity;
  if (v === '-Infinity') return -Infinity;
  return Number(v);
}

describe('file written by the numpy reference writer', () => {
  it('has the expected names, dtypes, shapes, metadata and values', async () => {
    const expected = JSON.parse(await fs.readFile(path.join(FIXTURES, 'numpy-written.json'), 'utf8')) as Expected;
    const src = await openSafetensors(path.join(FIXTURES, 'numpy-written.safetensors'));
    try {
      expect(src.metadata()).toEqual(expected.metadata);
      expect(src.list().map((t) => t.name)).toEqual(expected.tensors.map((t) => t.name)); // stored in insertion order
      expect(expected.tensors.map((t) => t.dtype).sort()).toEqual([
        'BF16',
        'BOOL',
        'F16',
        'F32',
        'F32',
        'F64',
        'I64',
        'U8',
      ]);
      for (const t of expected.tensors) {
        expect(src.info(t.name)).toEqual({ name: t.name, dtype: t.dtype, shape: t.shape });
        const values = Array.from(await src.readFloat32(t.name));
        expect(values).toEqual(t.values.map((v) => Math.fround(expectedNumber(v))));
        if (t.dtype === 'I64') {
          const bytes = await src.readBytes(t.name);
          const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
          const ints = t.values.map((_, i) => view.getBigInt64(8 * i, true).toString());
          expect(ints).toEqual(t.values);
        }
      }
    } finally {
      await src.close();
    }
  });
});
