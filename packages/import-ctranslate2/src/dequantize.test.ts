import { FormatError } from '@speechfold/core';
import { applyScale, decodeValues } from './dequantize';

describe('decodeValues', () => {
  it('decodes every CTranslate2 dtype to f32', () => {
    expect(Array.from(decodeValues('int8', Uint8Array.from([0x7f, 0x80, 0xff])))).toEqual([127, -128, -1]);
    expect(Array.from(decodeValues('int16', Uint8Array.from([0x00, 0x80, 0x01, 0x00])))).toEqual([-32768, 1]);
    expect(Array.from(decodeValues('int32', Uint8Array.from([0xfe, 0xff, 0xff, 0xff])))).toEqual([-2]);
    expect(Array.from(decodeValues('float16', Uint8Array.from([0x00, 0x3c, 0x00, 0xc0])))).toEqual([1, -2]);
    expect(Array.from(decodeValues('bfloat16', Uint8Array.from([0x80, 0x3f, 0x40, 0xc0])))).toEqual([1, -3]);
    expect(Array.from(decodeValues('float32', new Uint8Array(new Float32Array([0.5, -0.25]).buffer)))).toEqual([
      0.5, -0.25,
    ]);
  });
});

describe('applyScale', () => {
  const subject = { file: 'model.bin', tensor: 'w' };

  it('divides each row by its own scale (int8)', () => {
    const values = Float32Array.from([127, -64, 2, 4]);
    applyScale(values, [2, 2], Float32Array.from([127 / 2, 0.5]), subject);
    expect(Array.from(values)).toEqual([Math.fround(127 / (127 / 2)), Math.fround(-64 / Math.fround(127 / 2)), 4, 8]);
  });

  it('treats everything after the first dim of a conv weight as one row', () => {
    const values = Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8]);
    applyScale(values, [2, 2, 2], Float32Array.from([1, 2]), subject);
    expect(Array.from(values)).toEqual([1, 2, 3, 4, 2.5, 3, 3.5, 4]);
  });

  it('divides the whole matrix by one scale (int16)', () => {
    const values = Float32Array.from([1024, -512, 0, 3]);
    applyScale(values, [2, 2], Float32Array.from([1024]), subject);
    expect(Array.from(values)).toEqual([1, -0.5, 0, Math.fround(3 / 1024)]);
  });

  it('refuses a scale count that is neither 1 nor the row count, and zero or non-finite scales', () => {
    expect(() => applyScale(new Float32Array(6), [3, 2], new Float32Array(2), subject)).toThrow(
      /has 2 scales; expected 1 or one per row \(3\)/,
    );
    expect(() => applyScale(new Float32Array(4), [2, 2], Float32Array.from([1, 0]), subject)).toThrow(FormatError);
    expect(() => applyScale(new Float32Array(4), [2, 2], Float32Array.from([NaN]), subject)).toThrow(
      /model\.bin: tensor 'w'/,
    );
  });
});
