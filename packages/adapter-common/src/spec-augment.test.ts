import { specAugmentDefaults } from './spec-augment';

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
