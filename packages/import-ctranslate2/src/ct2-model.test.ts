import { promises as fs } from 'node:fs';
import path from 'node:path';
import { FormatError, PathError } from '@speechfold/core';
import { openSafetensors } from '@speechfold/safetensors';
import { Ct2Model, openCTranslate2Model } from './ct2-model';
import { ct2Bytes, readEntries, type Ct2Entry } from './ct2-writer.test-helper';
import { FIXTURE_DIR, fixtureModel, tempDir } from './fixtures.test-helper';

let dir: string;
beforeEach(async () => {
  dir = await tempDir();
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

/** Writes `bytes` to `<dir>/<name>` and returns the path. */
async function write(name: string, bytes: Uint8Array): Promise<string> {
  const file = path.join(dir, name);
  await fs.writeFile(file, bytes);
  return file;
}

const f32 = (values: number[]): Ct2Entry['bytes'] => new Uint8Array(new Float32Array(values).buffer);

describe('Ct2Model (fixtures written as ctranslate2 4.8.5 writes them)', () => {
  it('parses the whole header: spec, revision, variables, aliases, settings', async () => {
    const model = await openCTranslate2Model(fixtureModel('int8'));
    try {
      expect([model.binaryVersion, model.spec, model.revision]).toEqual([6, 'WhisperSpec', 3]);
      expect(model.list()).toHaveLength(110);
      expect(model.aliases()).toEqual({
        'decoder/layer_1/ffn/linear_1/bias': 'decoder/layer_0/ffn/linear_1/bias',
        'decoder/projection/weight': 'decoder/embeddings/weight',
      });
      expect(model.info('encoder/layer_0/self_attention/linear_0/weight')).toEqual({
        name: 'encoder/layer_0/self_attention/linear_0/weight',
        dtype: 'I8',
        shape: [24, 8],
      });
      expect(model.info('decoder/projection/weight')).toEqual({
        name: 'decoder/projection/weight',
        dtype: 'I8',
        shape: [24, 8],
      });
      expect(model.resolve('decoder/projection/weight')).toBe('decoder/embeddings/weight');
      expect(model.isQuantized('encoder/conv1/weight')).toBe(true);
      expect(model.isQuantized('encoder/conv1/bias')).toBe(false);
      expect(await model.readSetting('encoder/num_heads')).toBe(2);
      expect(await model.readSetting('decoder/alignment_layer')).toBe(-1);
      expect(model.metadata()).toEqual({
        format: 'ctranslate2',
        binary_version: '6',
        spec: 'WhisperSpec',
        revision: '3',
      });
    } finally {
      await model.close();
    }
  });

  it('dequantizes int8 weights row by row to within half a step of the original', async () => {
    const model = await openCTranslate2Model(fixtureModel('int8'));
    const reference = await openSafetensors(path.join(FIXTURE_DIR, 'reference.safetensors'));
    try {
      const got = await model.readFloat32('decoder/layer_0/ffn/linear_0/weight');
      const want = await reference.readFloat32('model.decoder.layers.0.fc1.weight');
      const [rows, cols] = [12, 8];
      for (let r = 0; r < rows; r++) {
        const row = want.subarray(r * cols, (r + 1) * cols);
        const step = Math.max(...Array.from(row, Math.abs)) / 127;
        for (let c = 0; c < cols; c++)
          expect(Math.abs(got[r * cols + c] - row[c])).toBeLessThanOrEqual(step / 2 + 1e-7);
      }
      // Row 3 is all zeros in the fixture: its scale is 127/127, never 0.
      expect(Array.from(got.subarray(3 * cols, 4 * cols))).toEqual(new Array(cols).fill(0));
      // The stored bytes stay integers.
      expect(await model.readBytes('decoder/layer_0/ffn/linear_0/weight')).toHaveLength(rows * cols);
    } finally {
      await Promise.all([model.close(), reference.close()]);
    }
  });

  it('reads a model split into parts exactly as the whole file', async () => {
    const whole = await fs.readFile(fixtureModel('float16'));
    const cuts = [0, 7, 5000, 5001, whole.length];
    const parts: string[] = [];
    for (let i = 0; i + 1 < cuts.length; i++)
      parts.push(await write(`model.bin.part${i + 1}`, whole.subarray(cuts[i], cuts[i + 1])));
    const [a, b] = [await Ct2Model.open(parts), await Ct2Model.open(fixtureModel('float16'))];
    try {
      expect(a.list()).toEqual(b.list());
      expect(a.path).toBe(parts.join(' + '));
      for (const t of b.list()) expect(await a.readBytes(t.name)).toEqual(await b.readBytes(t.name));
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('names the file and variable of a truncated model.bin', async () => {
    const whole = await fs.readFile(fixtureModel('float32'));
    const file = await write('model.bin', whole.subarray(0, 9000));
    const err = await Ct2Model.open(file).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FormatError);
    expect((err as FormatError).subject.file).toBe(file);
    expect((err as FormatError).subject.tensor).toMatch(/^(decoder|encoder)\//);
    expect((err as Error).message).toMatch(/truncated, or a part missing\?/);
  });

  it('names the last part when a part is missing, and the first when parts are out of order', async () => {
    const whole = await fs.readFile(fixtureModel('float32'));
    const p1 = await write('p1', whole.subarray(0, 6000));
    const p2 = await write('p2', whole.subarray(6000, 12000));
    const missing = await Ct2Model.open([p1, p2]).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(FormatError);
    expect((missing as FormatError).subject.file).toBe(p2);
    const swapped = await Ct2Model.open([p2, p1]).catch((e: unknown) => e);
    expect(swapped).toBeInstanceOf(FormatError);
    expect((swapped as Error).message).toMatch(/^.*p2: binary version \d+; expected 4-6/);
  });

  it('refuses trailing bytes, unknown dtypes, byte counts that disagree with the shape, and bad aliases', async () => {
    const ok: Ct2Entry = { name: 'a/weight', dtype: 'float32', shape: [2], bytes: f32([1, 2]) };
    const cases: [string, Uint8Array, RegExp][] = [
      ['trailing', Buffer.concat([ct2Bytes([ok]), Buffer.from([0])]), /1 unexpected bytes after the last alias/],
      [
        'count',
        ct2Bytes([{ ...ok, shape: [3] }]),
        /tensor 'a\/weight': shape \[3\] of float32 needs 12 bytes, the header says 8/,
      ],
      ['alias', ct2Bytes([ok], [['b', 'missing']]), /tensor 'b': alias of 'missing', which is not a stored variable/],
      ['twice', ct2Bytes([ok, ok]), /tensor 'a\/weight': stored twice/],
      ['version', ct2Bytes([ok], [], { version: 3 }), /binary version 3; expected 4-6/],
    ];
    const dtype = ct2Bytes([ok]);
    dtype[dtype.indexOf(Buffer.from('a/weight\0')) + 9 + 1 + 4] = 9; // after name, rank and one dim
    cases.push(['dtype', dtype, /tensor 'a\/weight': unknown dtype id 9/]);
    for (const [name, bytes, message] of cases) {
      const file = await write(`${name}.bin`, bytes);
      const err = await Ct2Model.open(file).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(FormatError);
      expect((err as Error).message).toMatch(message);
      expect((err as Error).message.startsWith(file)).toBe(true);
    }
  });

  it('refuses a missing file with a PathError, and an unknown variable with a FormatError naming it', async () => {
    await expect(Ct2Model.open(path.join(dir, 'nope.bin'))).rejects.toBeInstanceOf(PathError);
    const model = await Ct2Model.open(
      await write('m.bin', ct2Bytes([{ name: 'a', dtype: 'float32', shape: [], bytes: f32([1]) }])),
    );
    try {
      expect(() => model.info('b')).toThrow(/tensor 'b': no such variable/);
      await expect(model.readSetting('a')).rejects.toThrow(/expected a single integer setting/);
    } finally {
      await model.close();
    }
  });

  it('round-trips every variable of a fixture through the test writer', async () => {
    const model = await Ct2Model.open(fixtureModel('int16'));
    try {
      const { entries, aliases } = await readEntries(model);
      expect(ct2Bytes(entries, aliases)).toEqual(await fs.readFile(fixtureModel('int16')));
    } finally {
      await model.close();
    }
  });
});
