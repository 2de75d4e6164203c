/**
 * Property-based tests: random valid checkpoints round-trip, and random corruptions of valid files
 * always end in a typed error (FormatError/PathError): never another exception, a hang or a huge
 * allocation. numRuns stays modest so the suite is quick.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { DTYPE_SIZE, FormatError, numel, type DType } from '@speechfold/core';
import { DTYPES } from './dtypes';
import { encodeFile, isTypedError, makeTempDir, removeDir } from './files.test-helper';
import { createCheckpointSink, openCheckpoint, openSafetensors } from './index';

const RUNS = 40;

let dir: string;
let counter = 0;
beforeAll(async () => {
  dir = await makeTempDir();
});
afterAll(async () => {
  await removeDir(dir);
});

interface Spec {
  name: string;
  dtype: DType;
  shape: number[];
  bytes: Uint8Array;
}

const specArb = (name: string): fc.Arbitrary<Spec> =>
  fc
    .record({
      dtype: fc.constantFrom(...DTYPES),
      shape: fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 3 }),
      seed: fc.integer(),
    })
    .map(({ dtype, shape, seed }) => {
      const bytes = new Uint8Array(numel(shape) * DTYPE_SIZE[dtype]);
      for (let i = 0; i < bytes.length; i++) bytes[i] = (seed * 31 + i * 17) & (dtype === 'BOOL' ? 1 : 0xff);
      return { name, dtype, shape, bytes };
    });

const namesArb = fc.uniqueArray(
  fc.string({ minLength: 1, maxLength: 8 }).filter((s) => s !== '__metadata__' && Buffer.from(s).toString() === s),
  {
    minLength: 1,
    maxLength: 6,
  },
);
const specsArb: fc.Arbitrary<Spec[]> = namesArb.chain((names) => fc.tuple(...names.map(specArb)));
const metadataArb = fc.option(fc.dictionary(fc.string({ maxLength: 6 }), fc.string({ maxLength: 6 }), { maxKeys: 3 }), {
  nil: undefined,
});

/** A valid file built by hand (insertion-order layout), returned with its header object. */
function buildValid(
  specs: Spec[],
  metadata?: Record<string, string>,
): { header: Record<string, unknown>; data: Uint8Array } {
  const header: Record<string, unknown> = {};
  if (metadata) header['__metadata__'] = metadata;
  let offset = 0;
  for (const s of specs) {
    Object.defineProperty(header, s.name, {
      value: { dtype: s.dtype, shape: s.shape, data_offsets: [offset, offset + s.bytes.length] },
      enumerable: true,
    });
    offset += s.bytes.length;
  }
  return { header, data: Buffer.concat(specs.map((s) => s.bytes)) };
}

async function writeTemp(bytes: Uint8Array): Promise<string> {
  const file = path.join(dir, `case-${counter++}.safetensors`);
  await fs.writeFile(file, bytes);
  return file;
}

/** Opens and reads everything; returns 'ok' or the typed error. Anything else fails the test. */
async function openAndReadAll(bytes: Uint8Array): Promise<'ok' | Error> {
  const file = await writeTemp(bytes);
  try {
    const src = await openSafetensors(file);
    try {
      for (const t of src.list()) {
        const raw = await src.readBytes(t.name);
        expect(raw.length).toBe(numel(t.shape) * DTYPE_SIZE[t.dtype]);
        await src.readFloat32(t.name);
      }
    } finally {
      await src.close();
    }
    return 'ok';
  } catch (err) {
    if (!isTypedError(err)) throw err;
    return err as Error;
  } finally {
    await fs.rm(file, { force: true });
  }
}

async function mustFail(bytes: Uint8Array): Promise<boolean> {
  const result = await openAndReadAll(bytes);
  return result instanceof FormatError;
}

describe('valid files', () => {
  it('random hand-built files are read back exactly', async () => {
    await fc.assert(
      fc.asyncProperty(specsArb, metadataArb, async (specs, metadata) => {
        const { header, data } = buildValid(specs, metadata);
        const file = await writeTemp(encodeFile(JSON.stringify(header), data));
        const src = await openSafetensors(file);
        try {
          expect(src.metadata()).toEqual(metadata ?? {});
          for (const s of specs) {
            expect(src.info(s.name)).toEqual({ name: s.name, dtype: s.dtype, shape: s.shape });
            expect(Buffer.from(await src.readBytes(s.name)).equals(Buffer.from(s.bytes))).toBe(true);
          }
        } finally {
          await src.close();
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('random tensors written by the sink (sharded or not) are read back exactly', async () => {
    await fc.assert(
      fc.asyncProperty(
        specsArb,
        metadataArb,
        fc.option(fc.integer({ min: 1, max: 64 }), { nil: undefined }),
        async (specs, metadata, max) => {
          const out = await fs.mkdtemp(path.join(dir, 'sink-'));
          const sink = await createCheckpointSink(out, { metadata, maxShardBytes: max });
          for (const s of specs) await sink.addBytes(s.name, s.dtype, s.shape, s.bytes);
          await sink.commit();
          const src = await openCheckpoint(out);
          try {
            expect(src.metadata()).toEqual(metadata ?? {});
            expect(
              src
                .list()
                .map((t) => t.name)
                .sort(),
            ).toEqual(specs.map((s) => s.name).sort());
            for (const s of specs) {
              expect(src.info(s.name)).toEqual({ name: s.name, dtype: s.dtype, shape: s.shape });
              expect(Buffer.from(await src.readBytes(s.name)).equals(Buffer.from(s.bytes))).toBe(true);
            }
          } finally {
            await src.close();
            await removeDir(out);
          }
        },
      ),
      { numRuns: 25 },
    );
  });
});

describe('corrupted files end in a typed error', () => {
  const validArb = fc
    .tuple(specsArb, metadataArb)
    .map(([specs, metadata]) => ({ specs, ...buildValid(specs, metadata) }));
  const fileOf = (v: { header: Record<string, unknown>; data: Uint8Array }): Uint8Array =>
    encodeFile(JSON.stringify(v.header), v.data);

  it('truncation at any point', async () => {
    await fc.assert(
      fc.asyncProperty(validArb, fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), async (v, at) => {
        const bytes = fileOf(v);
        return mustFail(bytes.subarray(0, Math.floor(at * bytes.length)));
      }),
      { numRuns: RUNS },
    );
  });

  it('flipped header bytes (typed error, or a file that still reads cleanly)', async () => {
    await fc.assert(
      fc.asyncProperty(
        validArb,
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 4 }),
        async (v, flips) => {
          const bytes = fileOf(v).slice();
          const headerEnd = 8 + Number(Buffer.from(bytes).readBigUInt64LE(0));
          for (const [pos, mask] of flips) bytes[pos % headerEnd] ^= mask;
          await openAndReadAll(bytes);
        },
      ),
      { numRuns: RUNS * 2 },
    );
  });

  it('wrong, overlapping, gapped or out-of-file offsets', async () => {
    const nonEmpty = validArb.filter((v) => v.data.length > 0);
    await fc.assert(
      fc.asyncProperty(
        nonEmpty,
        fc.nat(),
        fc.integer({ min: -9, max: 9 }).filter((d) => d !== 0),
        fc.boolean(),
        async (v, which, delta, both) => {
          // Only tensors with bytes: a zero-size tensor can move to another boundary and stay valid.
          const names = v.specs.filter((s) => s.bytes.length > 0).map((s) => s.name);
          const target = names[which % names.length];
          const entry = v.header[target] as { data_offsets: [number, number] };
          const [b, e] = entry.data_offsets;
          // Shift the end (size mismatch, overlap or out-of-file) or both (gap or overlap, or past the end).
          entry.data_offsets = both ? [b + delta, e + delta] : [b, e + delta];
          if (entry.data_offsets[0] < 0) entry.data_offsets = [0, e + Math.abs(delta)];
          return mustFail(fileOf(v));
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('header lengths near 2^64 or past the end of the file', async () => {
    await fc.assert(
      fc.asyncProperty(
        validArb,
        fc.oneof(
          fc.bigInt({ min: 2n ** 63n, max: 2n ** 64n - 1n }),
          fc.bigInt({ min: 100_000_001n, max: 2n ** 40n }),
          fc.integer({ min: 1, max: 64 }).map(BigInt),
        ),
        async (v, lengthOrExtra) => {
          const honest = fileOf(v);
          const fileSize = BigInt(honest.length);
          // Small values: point just past the end of the file.
          const length = lengthOrExtra <= 64n ? fileSize - 8n + lengthOrExtra : lengthOrExtra;
          const bytes = honest.slice();
          Buffer.from(bytes.buffer).writeBigUInt64LE(length, 0);
          return mustFail(bytes);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('non-JSON, non-UTF-8 and non-object headers', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string().map((s) => Buffer.from(`{${s}`)), // random text after '{' (rarely valid JSON)
          fc
            .uint8Array({ minLength: 1, maxLength: 40 })
            .map((b) => Buffer.concat([Buffer.from('{"'), Buffer.from(b), Buffer.from([0xff]), Buffer.from('":1}')])),
          fc.constantFrom('[]', 'null', '1', '"x"', '{"a":1', '{"a":1}}', '{"a":{}}').map((s) => Buffer.from(s)),
        ),
        async (header) => {
          const prefix = Buffer.alloc(8);
          prefix.writeBigUInt64LE(BigInt(header.length));
          const result = await openAndReadAll(Buffer.concat([prefix, header]));
          if (header.toString('latin1').includes('\xff')) return result instanceof FormatError;
          return true; // typed error or valid: both fine
        },
      ),
      { numRuns: RUNS * 2 },
    );
  });

  it('duplicate keys, shape/size mismatch, unknown dtypes, bad shapes and bad __metadata__', async () => {
    type Mutation = (v: { header: Record<string, unknown>; specs: Spec[] }, text: string) => string;
    const entryOf = (v: { header: Record<string, unknown> }, name: string): Record<string, unknown> =>
      v.header[name] as Record<string, unknown>;
    const mutations: Record<string, Mutation> = {
      duplicate: (v, text) => {
        const name = v.specs[0].name;
        return `{${JSON.stringify(name)}:${JSON.stringify(entryOf(v, name))},${text.slice(1)}`;
      },
      shapeMismatch: (v) => {
        const e = entryOf(v, v.specs[0].name);
        e.shape = [...(e.shape as number[]), 2]; // doubles the size (or keeps 0 for empty tensors: then add a dim of 0 -> still 0)
        if (v.specs[0].bytes.length === 0) e.shape = [1];
        return JSON.stringify(v.header);
      },
      unknownDtype: (v) => {
        entryOf(v, v.specs[0].name).dtype = 'F4';
        return JSON.stringify(v.header);
      },
      negativeShape: (v) => {
        entryOf(v, v.specs[0].name).shape = [-1, 1];
        return JSON.stringify(v.header);
      },
      fractionalShape: (v) => {
        entryOf(v, v.specs[0].name).shape = [0.5];
        return JSON.stringify(v.header);
      },
      badMetadata: (v) => {
        v.header['__metadata__'] = { k: 1 };
        return JSON.stringify(v.header);
      },
      metadataNotObject: (v) => {
        v.header['__metadata__'] = 'text';
        return JSON.stringify(v.header);
      },
    };
    await fc.assert(
      fc.asyncProperty(validArb, fc.constantFrom(...Object.keys(mutations)), async (v, kind) => {
        const text = mutations[kind](v, JSON.stringify(v.header));
        return mustFail(encodeFile(text, v.data));
      }),
      { numRuns: RUNS },
    );
  });
});
