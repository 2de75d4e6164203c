import { readSpecAugmentFields, specAugmentDefaults } from './spec-augment';

describe('specAugmentDefaults', () => {
  it("gives HF's SpecAugment defaults, a fresh object per call", () => {
    const d = specAugmentDefaults();
    expect(JSON.stringify(d)).toBe(
      '{"mask_time_prob":0.05,"mask_time_length":10,"mask_time_min_masks":2,' +
        '"mask_feature_prob":0,"mask_feature_length":10,"mask_feature_min_masks":0}'
    );
    d.mask_time_prob = 0;
    expect(specAugmentDefaults().mask_time_prob).toBe(0.05);
  });
});

describe('readSpecAugmentFields', () => {
  it("reads the mask_* fields with HF's defaults for absent ones, and names a bad one", () => {
    expect(readSpecAugmentFields({ mask_time_prob: 0, mask_feature_length: 4 }, 'config.json')).toEqual({
      ...specAugmentDefaults(),
      mask_time_prob: 0,
      mask_feature_length: 4,
    });
    expect(() => readSpecAugmentFields({ mask_time_length: 0 }, 'ckpt/config.json')).toThrow(
      "ckpt/config.json: field 'mask_time_length': expected an integer >= 1, got 0",
    );
  });
});
