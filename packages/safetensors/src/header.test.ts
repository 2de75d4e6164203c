import { FormatError } from '@speechfold/core';
import { buildHeader, checkHeaderLength, headerLengthPrefix, parseHeader, type HeaderEntry } from './header';
import { findDuplicateKey } from './json-keys';

const F = 'm.safetensors';
const json = (text: string): Uint8Array => Buffer.from(text, 'utf8');
const entry = (dtype: string, shape: unknown, offsets: unknown): string =>
  JSON.stringify({ dtype, shape, data_offsets: offsets });

function parseError(text: string | Uint8Array, dataBytes: number): FormatError {
  try {
    parseHeader(typeof text === 'string' ? json(text) : text, dataBytes, F);
  } catch (err) {
    expect(err).toBeInstanceOf(FormatError);
    return err as FormatError;
  }
  throw new Error('expected a FormatError');
}

describe('buildHeader', () => {
  it('matches the reference bytes for one F32 tensor (header 64 bytes, no padding needed)', () => {
    const entries: HeaderEntry[] = [{ name: 'attn.0', dtype: 'F32', shape: [1, 2, 3], begin: 0, end: 24 }];
    const header = buildHeader(entries);
    expect(Buffer.from(header).toString()).toBe('{"attn.0":{"dtype":"F32","shape":[1,2,3],"data_offsets":[0,24]}}');
    expect(header.length).toBe(64);
  });

  it('pads with spaces so that 8 + N is a multiple of 8', () => {
    const entries: HeaderEntry[] = [{ name: 'attn0', dtype: 'F32', shape: [1, 1, 2, 3], begin: 0, end: 24 }];
    const header = buildHeader(entries);
    expect(header.length).toBe(72);
    expect(Buffer.from(header).toString().endsWith('}}       ')).toBe(true);
    expect(Array.from(buildHeader([]))).toEqual(Array.from(json('{}      ')));
  });

  it('writes __metadata__ first', () => {
    const header = Buffer.from(buildHeader([], { framework: 'pt' })).toString();
    expect(header).toBe('{"__metadata__":{"framework":"pt"}}     ');
    expect(header.length).toBe(40);
  });

  it('writes the length prefix little-endian', () => {
    expect(Array.from(headerLengthPrefix(0x0102))).toEqual([2, 1, 0, 0, 0, 0, 0, 0]);
  });
});

describe('checkHeaderLength', () => {
  const prefix = (n: bigint): Uint8Array => {
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(n);
    return b;
  };

  it('refuses lengths near 2^64 and above 100 MB before allocating', () => {
    expect(() => checkHeaderLength(prefix(2n ** 64n - 1n), 1000, F)).toThrow(
      /header length 18446744073709551615 exceeds/,
    );
    expect(() => checkHeaderLength(prefix(2n ** 63n), 1000, F)).toThrow(FormatError);
    expect(() => checkHeaderLength(prefix(100_000_001n), 2e9, F)).toThrow(/exceeds the limit of 100000000/);
  });

  it('refuses a length that runs past the end of the file', () => {
    expect(() => checkHeaderLength(prefix(993n), 1000, F)).toThrow(
      /runs past the end of the file: expected at most 992/,
    );
    expect(checkHeaderLength(prefix(992n), 1000, F)).toBe(992);
  });
});

describe('parseHeader', () => {
  it('reads entries in offset order and the metadata', () => {
    const text = `{"b":${entry('F32', [2], [0, 8])},"__metadata__":{"k":"v"},"a":${entry(
      'U8',
      [0],
      [8, 8],
    )},"c":${entry('BF16', [3], [8, 14])}}  `;
    const h = parseHeader(json(text), 14, F);
    expect(h.entries.map((e) => e.name)).toEqual(['b', 'a', 'c']);
    expect(h.metadata).toEqual({ k: 'v' });
    expect(h.entries[2]).toEqual({ name: 'c', dtype: 'BF16', shape: [3], begin: 8, end: 14 });
  });

  it('names the tensor on a gap, an overlap, a short or long data area', () => {
    const gap = parseError(`{"a":${entry('F32', [1], [0, 4])},"b":${entry('F32', [1], [8, 12])}}`, 12);
    expect(gap.message).toBe(
      "m.safetensors: tensor 'b': data_offsets [8, 12] leave a gap of 4 bytes: tensor 'a' ends at 4, expected this tensor to start there",
    );
    expect(gap.subject).toEqual({ file: F, tensor: 'b' });
    const first = parseError(`{"a":${entry('F32', [1], [4, 8])}}`, 8);
    expect(first.message).toMatch(/gap of 4 bytes: the data area starts at 0/);
    const overlap = parseError(`{"a":${entry('F32', [2], [0, 8])},"b":${entry('F32', [1], [4, 8])}}`, 8);
    expect(overlap.message).toMatch(/tensor 'b': data_offsets \[4, 8\] overlap tensor 'a', which ends at 8/);
    const past = parseError(`{"a":${entry('F32', [2], [0, 8])}}`, 4);
    expect(past.message).toMatch(/tensor 'a': data ends at byte 8 .* holds only 4 bytes/);
    const trailing = parseError(`{"a":${entry('F32', [1], [0, 4])}}`, 6);
    expect(trailing.message).toMatch(/holds 6 bytes but the tensors cover only 4: 2 unexpected trailing bytes/);
  });

  it('checks shape against the offsets and the dtype', () => {
    expect(parseError(`{"a":${entry('F16', [2, 3], [0, 8])}}`, 8).message).toBe(
      "m.safetensors: tensor 'a': shape [2,3] of F16 needs 12 bytes, but data_offsets [0, 8] span 8",
    );
    expect(parseError(`{"a":${entry('F32', [-1], [0, 0])}}`, 0).message).toMatch(/non-negative integers, found \[-1\]/);
    expect(parseError(`{"a":${entry('F32', [1.5], [0, 6])}}`, 6).message).toMatch(/non-negative integers/);
    expect(parseError(`{"a":${entry('F32', '3', [0, 12])}}`, 12).message).toMatch(/non-negative integers/);
    expect(parseError(`{"a":${entry('F32', [1], [4, 0])}}`, 4).message).toMatch(/0 <= begin <= end/);
    expect(parseError(`{"a":${entry('F32', [1], [0])}}`, 4).message).toMatch(/data_offsets must be/);
    // numel overflows 2^53: still a clean mismatch, computed in BigInt
    expect(parseError(`{"a":${entry('F64', [2 ** 40, 2 ** 40], [0, 8])}}`, 8).message).toMatch(
      /needs 9671406556917033397649408 bytes/,
    );
  });

  it('refuses unknown dtypes and non-object entries', () => {
    expect(parseError(`{"a":${entry('U16', [1], [0, 2])}}`, 2).message).toMatch(
      /tensor 'a': unknown dtype "U16"; expected one of F64, F32/,
    );
    expect(parseError('{"a":[1,2]}', 0).message).toMatch(/tensor 'a': expected an object/);
    expect(parseError('{"a":{"shape":[],"data_offsets":[0,4]}}', 4).message).toMatch(/unknown dtype nothing/);
  });

  it('refuses duplicate names, even when spelled with escapes', () => {
    const dup = parseError(`{"a":${entry('U8', [1], [0, 1])},"\\u0061":${entry('U8', [1], [1, 2])}}`, 2);
    expect(dup.message).toBe(
      "m.safetensors: tensor 'a': key 'a' appears twice at the top level of the header; expected unique keys",
    );
    const nested = parseError('{"a":{"dtype":"U8","dtype":"I8","shape":[1],"data_offsets":[0,1]}}', 1);
    expect(nested.message).toMatch(/tensor 'a': key 'dtype' appears twice inside this entry/);
  });

  it('requires __metadata__ to map strings to strings', () => {
    expect(parseError('{"__metadata__":{"k":1}}', 0).message).toMatch(
      /__metadata__ key 'k' must hold a string, found 1/,
    );
    expect(parseError('{"__metadata__":["x"]}', 0).message).toMatch(/__metadata__ must be an object of strings/);
    expect(parseError('{"__metadata__":null}', 0).message).toMatch(/__metadata__ must be an object/);
    expect(parseError('{"__metadata__":{"k":{"x":"y"}}}', 0).message).toMatch(/must hold a string/);
  });

  it('refuses invalid UTF-8, a BOM, non-JSON and non-objects', () => {
    expect(parseError(Uint8Array.from([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d]), 0).message).toBe(
      'm.safetensors: header is not valid UTF-8',
    );
    expect(parseError(Uint8Array.from([0x7b, 0xc0, 0x80, 0x7d]), 0).message).toMatch(/not valid UTF-8/); // overlong
    expect(parseError(Uint8Array.from([0xef, 0xbb, 0xbf, 0x7b, 0x7d]), 0).message).toMatch(
      /must start with '\{', found byte 0xef/,
    );
    expect(parseError('{"a":', 0).message).toMatch(/header is not valid JSON/);
    expect(parseError('[1]', 0).message).toMatch(/must start with/);
    expect(parseError('{} x', 0).message).toMatch(/not valid JSON/);
    expect(parseError('', 0).message).toMatch(/found an empty header/);
  });

  it('accepts trailing space padding and zero-size tensors anywhere', () => {
    const h = parseHeader(json(`{"z":${entry('F32', [0, 5], [4, 4])},"a":${entry('I32', [], [0, 4])}}      `), 4, F);
    expect(h.entries.map((e) => [e.name, e.begin, e.end])).toEqual([
      ['a', 0, 4],
      ['z', 4, 4],
    ]);
  });
});

describe('findDuplicateKey', () => {
  it('finds duplicates at any depth and ignores strings that are values', () => {
    expect(findDuplicateKey('{"a":"b","b":["a","a"],"c":{"x":1,"y":[{"q":1},{"q":2}]}}')).toBeNull();
    expect(findDuplicateKey('{"a":1,"b":{"x":1,"x":2}}')).toEqual({ key: 'x', parent: 'b' });
    expect(findDuplicateKey('{"a":{"s":"\\"x\\":"},"a" : 2}')).toEqual({ key: 'a' });
    expect(findDuplicateKey('{"a":[{"k":1,"k":2}]}')).toEqual({ key: 'k', parent: 'a' });
  });
});
