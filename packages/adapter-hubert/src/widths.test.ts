import { ModelError } from '@speechfold/core';
import { thrownBy } from '@speechfold/adapter-testkit';
import { hubertLayerWidths } from './widths';
import { tinyHubertConfig } from './tiny.test-helper';

const EXTENDED = {
  version: 1,
  export: 'extended',
  layers: [
    { stack: 'encoder', index: 0, ffn_dim: 48, self_attention_heads: 3 },
    { stack: 'encoder', index: 1, ffn_dim: 20, self_attention_heads: 4 },
  ],
  head_dim: 8,
};

function fieldOfError(config: Record<string, unknown>): string {
  const error = thrownBy(() => hubertLayerWidths(config));
  expect(error).toBeInstanceOf(ModelError);
  return /field '([^']+)'/.exec((error as ModelError).message)?.[1] ?? (error as ModelError).message;
}

describe('hubertLayerWidths', () => {
  it('reads a stock config: every layer at intermediate_size and num_attention_heads', () => {
    expect(hubertLayerWidths(tinyHubertConfig())).toEqual([
      { stack: 'encoder', index: 0, ffnDim: 64, selfAttentionHeads: 4, headDim: 8 },
      { stack: 'encoder', index: 1, ffnDim: 64, selfAttentionHeads: 4, headDim: 8 },
    ]);
  });

  it('reads the per-layer widths of an extended export', () => {
    expect(hubertLayerWidths({ ...tinyHubertConfig(), speechfold: EXTENDED })).toEqual([
      { stack: 'encoder', index: 0, ffnDim: 48, selfAttentionHeads: 3, headDim: 8 },
      { stack: 'encoder', index: 1, ffnDim: 20, selfAttentionHeads: 4, headDim: 8 },
    ]);
  });

  it('reads a dense export as stock', () => {
    const config = { ...tinyHubertConfig(), speechfold: { version: 1, export: 'dense' } };
    expect(hubertLayerWidths(config)).toEqual(hubertLayerWidths(tinyHubertConfig()));
  });

  it('names the key field at fault', () => {
    const c = tinyHubertConfig();
    const layers = EXTENDED.layers;
    expect(fieldOfError({ ...c, speechfold: 'yes' })).toBe('speechfold');
    expect(fieldOfError({ ...c, speechfold: { ...EXTENDED, version: 2 } })).toBe('speechfold.version');
    expect(fieldOfError({ ...c, speechfold: { ...EXTENDED, export: 'hf' } })).toBe('speechfold.export');
    expect(fieldOfError({ ...c, speechfold: { ...EXTENDED, layers: undefined } })).toBe('speechfold.layers');
    expect(fieldOfError({ ...c, speechfold: { ...EXTENDED, layers: layers.slice(1) } })).toBe('speechfold.layers');
    expect(fieldOfError({ ...c, speechfold: { ...EXTENDED, head_dim: 16 } })).toBe('speechfold.head_dim');
    expect(fieldOfError({ ...c, speechfold: { ...EXTENDED, layers: [{ ...layers[0], ffn_dim: 0 }, layers[1]] } })).toBe(
      'speechfold.layers[0].ffn_dim',
    );
    expect(fieldOfError({ ...c, speechfold: { ...EXTENDED, layers: [layers[1], layers[0]] } })).toBe(
      'speechfold.layers[0].index',
    );
    expect(
      fieldOfError({ ...c, speechfold: { ...EXTENDED, layers: [{ ...layers[0], stack: 'decoder' }, layers[1]] } }),
    ).toBe('speechfold.layers[0].stack');
    expect(
      fieldOfError({
        ...c,
        speechfold: { ...EXTENDED, layers: [{ ...layers[0], cross_attention_heads: 2 }, layers[1]] },
      }),
    ).toBe('speechfold.layers[0].cross_attention_heads');
    expect(fieldOfError({ ...c, intermediate_size: 'wide', speechfold: EXTENDED })).toBe('intermediate_size');
  });
});
