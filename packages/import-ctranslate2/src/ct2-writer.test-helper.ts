/**
 * Test helper: a minimal CTranslate2 model.bin writer, to build variants of the committed
 * fixtures (extra variables, changed settings, broken headers) inside tests.
 */
import { CT2_DTYPES, type Ct2DType } from './format';
import type { Ct2Model } from './ct2-model';

/** One variable to write. */
export interface Ct2Entry {
  name: string;
  dtype: Ct2DType;
  shape: number[];
  bytes: Uint8Array;
}

/** Header fields a test may change. */
export interface Ct2FileOptions {
  version?: number;
  spec?: string;
  revision?: number;
}

function ct2String(s: string): Buffer {
  const raw = Buffer.from(s, 'utf8');
  const len = Buffer.alloc(2);
  len.writeUInt16LE(raw.length + 1);
  return Buffer.concat([len, raw, Buffer.from([0])]);
}

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n);
  return b;
}

/** The bytes of a model.bin holding `entries` and `aliases` ([alias, target]). */
export function ct2Bytes(entries: Ct2Entry[], aliases: [string, string][] = [], options: Ct2FileOptions = {}): Buffer {
  const chunks: Buffer[] = [
    u32(options.version ?? 6),
    ct2String(options.spec ?? 'WhisperSpec'),
    u32(options.revision ?? 3),
    u32(entries.length),
  ];
  for (const e of entries) {
    chunks.push(ct2String(e.name), Buffer.from([e.shape.length]), ...e.shape.map(u32));
    chunks.push(Buffer.from([CT2_DTYPES.indexOf(e.dtype)]), u32(e.bytes.length), Buffer.from(e.bytes));
  }
  chunks.push(u32(aliases.length));
  for (const [alias, target] of aliases) chunks.push(ct2String(alias), ct2String(target));
  return Buffer.concat(chunks);
}

/** Every stored variable of `model` with its bytes, in stored order, and its aliases. */
export async function readEntries(model: Ct2Model): Promise<{ entries: Ct2Entry[]; aliases: [string, string][] }> {
  const entries: Ct2Entry[] = [];
  for (const t of model.list()) {
    entries.push({ name: t.name, dtype: model.ct2DType(t.name), shape: t.shape, bytes: await model.readBytes(t.name) });
  }
  return { entries, aliases: Object.entries(model.aliases()) };
}

/** A one-value int8 setting. */
export function int8Setting(name: string, value: number): Ct2Entry {
  return { name, dtype: 'int8', shape: [], bytes: Uint8Array.from([value & 0xff]) };
}
