/**
 * The safetensors header: an 8-byte little-endian u64 length N, then N bytes of UTF-8 JSON mapping
 * tensor names to {dtype, shape, data_offsets} (plus an optional "__metadata__" string map), then
 * the data area. Parsing treats the file as untrusted: every field is checked, and every failure is
 * a FormatError that names the file, the tensor and what was expected.
 */
import { DTYPE_SIZE, FormatError, type DType } from '@speechfold/core';
import { DTYPES, isDType } from './dtypes';
import { findDuplicateKey } from './json-keys';

/** The largest header accepted (and written), as in the reference implementation. */
export const MAX_HEADER_BYTES = 100_000_000;

/** One tensor's header entry; `begin`/`end` are byte offsets into the data area. */
export interface HeaderEntry {
  name: string;
  dtype: DType;
  shape: number[];
  begin: number;
  end: number;
}

/** A validated header: entries sorted by offset, and the string metadata (empty if none). */
export interface ParsedHeader {
  entries: HeaderEntry[];
  metadata: Record<string, string>;
}

/** Short, bounded description of an untrusted JSON value for messages. */
export function describeValue(value: unknown): string {
  let text: string;
  try {
    text = value === undefined ? 'nothing' : JSON.stringify(value);
  } catch {
    text = String(value);
  }
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** Whether `value` is a JSON object (not null, not an array). */
export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function own(obj: Record<string, unknown>, key: string): unknown {
  return Object.hasOwn(obj, key) ? obj[key] : undefined;
}

function isCount(x: unknown): x is number {
  return typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;
}

/**
 * Reads the u64 header length from the first 8 bytes and checks it against the 100 MB cap and the
 * file size. It is a BigInt so that a length near 2^64 is refused before anything is allocated.
 */
export function checkHeaderLength(prefix: Uint8Array, fileSize: number, file: string): number {
  const n = new DataView(prefix.buffer, prefix.byteOffset, 8).getBigUint64(0, true);
  if (n > BigInt(MAX_HEADER_BYTES)) {
    throw new FormatError({ file }, `header length ${n} exceeds the limit of ${MAX_HEADER_BYTES} bytes`);
  }
  if (8n + n > BigInt(fileSize)) {
    throw new FormatError(
      { file },
      `header length ${n} runs past the end of the file: expected at most ${
        fileSize - 8
      }, the file is ${fileSize} bytes`,
    );
  }
  return Number(n);
}

function parseJson(json: Uint8Array, file: string): Record<string, unknown> {
  if (json.length === 0 || json[0] !== 0x7b) {
    const found = json.length === 0 ? 'an empty header' : `byte 0x${json[0].toString(16).padStart(2, '0')}`;
    throw new FormatError({ file }, `header must start with '{', found ${found}`);
  }
  let text: string;
  try {
    // ignoreBOM keeps a byte-order mark in the text, where JSON.parse rejects it as the reference does.
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(json);
  } catch (cause) {
    throw new FormatError({ file }, 'header is not valid UTF-8', { cause });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (cause) {
    throw new FormatError({ file }, `header is not valid JSON (${(cause as Error).message})`, { cause });
  }
  if (!isJsonObject(parsed)) {
    throw new FormatError({ file }, `header must be a JSON object, found ${describeValue(parsed)}`);
  }
  const duplicate = findDuplicateKey(text);
  if (duplicate) {
    const tensor = duplicate.parent ?? duplicate.key;
    const where = duplicate.parent === undefined ? 'at the top level of the header' : 'inside this entry';
    throw new FormatError({ file, tensor }, `key '${duplicate.key}' appears twice ${where}; expected unique keys`);
  }
  return parsed;
}

function parseMetadata(value: unknown, file: string): Record<string, string> {
  if (!isJsonObject(value)) {
    throw new FormatError({ file }, `__metadata__ must be an object of strings, found ${describeValue(value)}`);
  }
  const out: Record<string, string> = {};
  for (const [key, v] of Object.entries(value)) {
    if (typeof v !== 'string') {
      throw new FormatError({ file }, `__metadata__ key '${key}' must hold a string, found ${describeValue(v)}`);
    }
    Object.defineProperty(out, key, { value: v, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

function parseEntry(name: string, value: unknown, file: string): HeaderEntry {
  const subject = { file, tensor: name };
  if (!isJsonObject(value)) {
    throw new FormatError(
      subject,
      `expected an object {"dtype","shape","data_offsets"}, found ${describeValue(value)}`,
    );
  }
  const dtype = own(value, 'dtype');
  if (!isDType(dtype)) {
    throw new FormatError(subject, `unknown dtype ${describeValue(dtype)}; expected one of ${DTYPES.join(', ')}`);
  }
  const shape = own(value, 'shape');
  if (!Array.isArray(shape) || !shape.every(isCount)) {
    throw new FormatError(subject, `shape must be an array of non-negative integers, found ${describeValue(shape)}`);
  }
  const offsets = own(value, 'data_offsets');
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isCount) || offsets[0] > offsets[1]) {
    throw new FormatError(
      subject,
      `data_offsets must be [begin, end] with 0 <= begin <= end, found ${describeValue(offsets)}`,
    );
  }
  const [begin, end] = offsets as [number, number];
  // BigInt: a hostile shape can overflow 2^53 long before it is compared with the offsets.
  let expected = BigInt(DTYPE_SIZE[dtype]);
  for (const d of shape as number[]) expected *= BigInt(d);
  if (expected !== BigInt(end - begin)) {
    throw new FormatError(
      subject,
      `shape ${describeValue(shape)} of ${dtype} needs ${expected} bytes, but data_offsets [${begin}, ${end}] span ${
        end - begin
      }`,
    );
  }
  return { name, dtype, shape: (shape as number[]).map((d) => d + 0), begin, end }; // d + 0 turns -0 into 0
}

/** Checks that the entries, sorted by offset, tile [0, dataBytes) exactly; says which rule broke. */
function checkTiling(sorted: HeaderEntry[], dataBytes: number, file: string): void {
  let cursor = 0;
  let previous: HeaderEntry | undefined;
  for (const e of sorted) {
    const span = `data_offsets [${e.begin}, ${e.end}]`;
    if (e.begin < cursor) {
      throw new FormatError(
        { file, tensor: e.name },
        `${span} overlap tensor '${previous?.name}', which ends at ${cursor}; expected to start at ${cursor}`,
      );
    }
    if (e.begin > cursor) {
      const after = previous ? `tensor '${previous.name}' ends at ${cursor}` : 'the data area starts at 0';
      throw new FormatError(
        { file, tensor: e.name },
        `${span} leave a gap of ${e.begin - cursor} bytes: ${after}, expected this tensor to start there`,
      );
    }
    cursor = e.end;
    previous = e;
  }
  if (cursor > dataBytes) {
    throw new FormatError(
      { file, tensor: previous?.name },
      `data ends at byte ${cursor} of the data area, past the end of the file: the data area holds only ${dataBytes} bytes (truncated file?)`,
    );
  }
  if (cursor < dataBytes) {
    throw new FormatError(
      { file },
      `the data area holds ${dataBytes} bytes but the tensors cover only ${cursor}: ${
        dataBytes - cursor
      } unexpected trailing bytes`,
    );
  }
}

/** Parses and validates the header JSON of a file whose data area holds `dataBytes` bytes. */
export function parseHeader(json: Uint8Array, dataBytes: number, file: string): ParsedHeader {
  const parsed = parseJson(json, file);
  let metadata: Record<string, string> = {};
  const entries: HeaderEntry[] = [];
  for (const [key, value] of Object.entries(parsed)) {
    if (key === '__metadata__') metadata = parseMetadata(value, file);
    else entries.push(parseEntry(key, value, file));
  }
  entries.sort((a, b) => a.begin - b.begin || a.end - b.end);
  checkTiling(entries, dataBytes, file);
  return { entries, metadata };
}

/**
 * Serialises a header as the reference does: compact JSON with "__metadata__" first (when given),
 * then the entries in the given (layout) order, padded with spaces so that 8 + N is a multiple of
 * 8 and the data area starts aligned.
 */
export function buildHeader(entries: readonly HeaderEntry[], metadata?: Record<string, string>): Uint8Array {
  const parts: string[] = [];
  if (metadata !== undefined) {
    const pairs = Object.entries(metadata).map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`);
    parts.push(`"__metadata__":{${pairs.join(',')}}`);
  }
  for (const e of entries) {
    parts.push(
      `${JSON.stringify(e.name)}:{"dtype":"${e.dtype}","shape":[${e.shape.join(',')}],"data_offsets":[${e.begin},${
        e.end
      }]}`,
    );
  }
  const json = Buffer.from(`{${parts.join(',')}}`, 'utf8');
  const padded = Math.ceil((8 + json.length) / 8) * 8 - 8;
  const out = new Uint8Array(padded).fill(0x20);
  out.set(json);
  return out;
}

/** The 8-byte little-endian length prefix for a header of `n` bytes. */
export function headerLengthPrefix(n: number): Uint8Array {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, BigInt(n), true);
  return out;
}
