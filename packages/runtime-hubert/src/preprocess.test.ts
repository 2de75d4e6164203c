import { ModelError } from '@speechfold/core';
import { DEFAULT_PREPROCESSOR, prepareInput, readPreprocessor } from './preprocess';

describe('prepareInput', () => {
  it('normalises to zero mean and unit variance (variance floor 1e-7), leaving the input alone', () => {
    const samples = Float32Array.of(1, 2, 3, 4);
    const out = prepareInput(samples, { doNormalize: true, samplingRate: 16000 });
    const inv = 1 / Math.sqrt(1.25 + 1e-7);
    expect(Array.from(out).map((v) => Math.round(v * 1e5) / 1e5)).toEqual([-1.5, -0.5, 0.5, 1.5].map((v) => Math.round(v * inv * 1e5) / 1e5));
    expect(Array.from(samples)).toEqual([1, 2, 3, 4]);
    expect(Array.from(prepareInput(new Float32Array(3)))).toEqual([0, 0, 0]);
  });

  it('copies the samples unchanged when do_normalize is false', () => {
    const samples = Float32Array.of(0.5, -0.25);
    const out = prepareInput(samples, { doNormalize: false, samplingRate: 16000 });
    expect(out).not.toBe(samples);
    expect(Array.from(out)).toEqual([0.5, -0.25]);
  });
});

describe('readPreprocessor', () => {
  it("uses HF's defaults for an absent file or field", () => {
    expect(readPreprocessor(undefined)).toEqual(DEFAULT_PREPROCESSOR);
    expect(readPreprocessor({ do_normalize: false })).toEqual({ doNormalize: false, samplingRate: 16000 });
  });

  it('refuses fields of the wrong type', () => {
    expect(() => readPreprocessor({ do_normalize: 'yes' })).toThrow(ModelError);
    expect(() => readPreprocessor({ sampling_rate: 0 })).toThrow(/sampling_rate/);
  });
});
