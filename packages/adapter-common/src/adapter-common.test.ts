import { MethodError, ModelError, OptionError, type FoldGroup, type TensorInfo } from '@speechfold/core';
import {
  asRawConfig,
  checkTensors,
  exportConfig,
  layerEntries,
  parseExportMode,
  readEnum,
  readInt,
  readIntArray,
  readLayerCount,
  readSpeechfoldKey,
  SPEECHFOLD_KEY,
  widthsBeforeAndAfter,
  widthsFromKey,
  withSpeechfoldKey,
  type ExportInput,
  type LayerWidths,
} from './index';

/** Two encoder layers and one decoder layer with cross-attention, head size 4. */
const STOCK: LayerWidths[] = [
  { stack: 'encoder', index: 0, ffnDim: 16, selfAttentionHeads: 2, headDim: 4 },
  { stack: 'encoder', index: 1, ffnDim: 16, selfAttentionHeads: 2, headDim: 4 },
  { stack: 'decoder', index: 0, ffnDim: 16, selfAttentionHeads: 2, crossAttentionHeads: 2, headDim: 4 },
];

const shrink = (w: LayerWidths, ffnDim: number, heads = w.selfAttentionHeads): LayerWidths => ({
  ...w,
  ffnDim,
  selfAttentionHeads: heads,
});

describe('the speechfold key', () => {
  it('round-trips widths through layerEntries, withSpeechfoldKey and readSpeechfoldKey', () => {
    const after = [shrink(STOCK[0], 8), shrink(STOCK[1], 12, 1), STOCK[2]];
    const config = withSpeechfoldKey({ d_model: 8 }, { version: 1, export: 'extended', ...layerEntries(after) });
    expect(Object.keys(config)).toEqual(['d_model', SPEECHFOLD_KEY]);
    const key = readSpeechfoldKey(config, 'config.json');
    expect(key).not.toBeNull();
    expect(widthsFromKey(key!, STOCK, 'config.json')).toEqual(after);
  });

  it('is null when absent, and withSpeechfoldKey(null) removes it without touching the input', () => {
    expect(readSpeechfoldKey({ d_model: 8 }, 'config.json')).toBeNull();
    const input = { [SPEECHFOLD_KEY]: { version: 1, export: 'dense' }, d_model: 8 };
    expect(withSpeechfoldKey(input, null)).toEqual({ d_model: 8 });
    expect(input[SPEECHFOLD_KEY]).toEqual({ version: 1, export: 'dense' });
  });

  it('names the field that breaks the schema', () => {
    const read = (key: unknown) => () => readSpeechfoldKey({ [SPEECHFOLD_KEY]: key }, 'config.json');
    expect(read({ version: 2, export: 'dense' })).toThrow(ModelError);
    expect(read({ version: 2, export: 'dense' })).toThrow("field 'speechfold.version'");
    expect(read({ version: 1, export: 'hf' })).toThrow("field 'speechfold.export'");
    expect(read({ version: 1, export: 'extended' })).toThrow("field 'speechfold.layers'");
    const layers = [{ stack: 'encoder', index: 0, ffn_dim: 0, self_attention_heads: 2 }];
    expect(read({ version: 1, export: 'extended', layers, head_dim: 4 })).toThrow(
      "field 'speechfold.layers[0].ffn_dim': expected an integer >= 1, got 0",
    );
  });

  it('widthsFromKey refuses a layer list that disagrees with the stock fields', () => {
    const key = { version: 1 as const, export: 'extended' as const, ...layerEntries(STOCK) };
    expect(() => widthsFromKey(key, STOCK.slice(0, 2), 'config.json')).toThrow(/expected 2 layers/);
    const noCross = { ...key, layers: key.layers.map(({ cross_attention_heads: _c, ...rest }) => rest) };
    expect(() => widthsFromKey(noCross, STOCK, 'config.json')).toThrow(
      "field 'speechfold.layers[2].cross_attention_heads'",
    );
  });
});

describe('export modes', () => {
  const config = { model_type: 'test', encoder_ffn_dim: 16, decoder_ffn_dim: 16 };
  const input = (after: LayerWidths[], before: LayerWidths[] = STOCK): ExportInput => ({
    config,
    stock: STOCK,
    before,
    after,
    ffnField: { encoder: 'encoder_ffn_dim', decoder: 'decoder_ffn_dim' },
  });

  it('parseExportMode accepts the three modes and names --export otherwise', () => {
    expect(['hf', 'extended', 'dense'].map(parseExportMode)).toEqual(['hf', 'extended', 'dense']);
    expect(() => parseExportMode('onnx')).toThrow(OptionError);
    expect(() => parseExportMode('onnx')).toThrow('choose one of: hf, extended, dense');
  });

  it("'hf' writes one FFN width per stack and refuses what stock fields cannot say", () => {
    const uniform = [shrink(STOCK[0], 8), shrink(STOCK[1], 8), shrink(STOCK[2], 4)];
    expect(exportConfig(input(uniform), 'hf')).toEqual({ ...config, encoder_ffn_dim: 8, decoder_ffn_dim: 4 });
    expect(() => exportConfig(input([shrink(STOCK[0], 8), STOCK[1], STOCK[2]]), 'hf')).toThrow(
      /FFN widths that differ between layers/,
    );
    expect(() => exportConfig(input([shrink(STOCK[0], 16, 1), STOCK[1], STOCK[2]]), 'hf')).toThrow(ModelError);
  });

  it("'extended' keeps the stock fields and lists every layer; 'dense' only marks the config", () => {
    const after = [shrink(STOCK[0], 8, 1), STOCK[1], STOCK[2]];
    const extended = exportConfig(input(after), 'extended');
    expect(extended).toEqual({ ...config, [SPEECHFOLD_KEY]: { version: 1, export: 'extended', ...layerEntries(after) } });
    expect(exportConfig(input(after), 'dense')).toEqual({ ...config, [SPEECHFOLD_KEY]: { version: 1, export: 'dense' } });
    // A dense run on an extended export keeps that export's per-layer widths recorded.
    expect(exportConfig(input(after, after), 'dense')[SPEECHFOLD_KEY]).toEqual({
      version: 1,
      export: 'dense',
      ...layerEntries(after),
    });
  });

  it('widthsBeforeAndAfter applies kept counts and refuses kept entries outside the model', () => {
    const group = (w: LayerWidths, kind: 'ffn' | 'heads', units: number): FoldGroup => ({
      name: `${w.stack}.${w.index}.${kind}`,
      kind,
      layer: w.index,
      stack: w.stack,
      units,
      producers: [],
      consumers: [],
    });
    const groups = STOCK.flatMap((w) => [group(w, 'ffn', w.ffnDim), group(w, 'heads', w.selfAttentionHeads)]);
    const namesOf = (w: LayerWidths) => ({ ffn: `${w.stack}.${w.index}.ffn`, selfAttention: `${w.stack}.${w.index}.heads` });
    const { before, after } = widthsBeforeAndAfter(STOCK.slice(0, 2), groups, new Map([['encoder.1.ffn', 5]]), namesOf);
    expect(before).toEqual(STOCK.slice(0, 2));
    expect(after).toEqual([STOCK[0], shrink(STOCK[1], 5)]);
    expect(() => widthsBeforeAndAfter(STOCK, groups, new Map([['nope', 1]]), namesOf)).toThrow(MethodError);
    expect(() => widthsBeforeAndAfter(STOCK, groups, new Map([['encoder.0.ffn', 17]]), namesOf)).toThrow(
      'expected kept units an integer in [1, 16], found 17',
    );
  });
});

describe('checkTensors', () => {
  const tensor = (name: string, shape: number[]): TensorInfo => ({ name, shape, dtype: 'F32' });
  const expected = [
    { name: 'a', shape: [2, 3] },
    { name: 'b', shape: [3] },
  ];
  const options = { context: 'TestModel, d 3' };

  it('passes a matching list and allows the extras the options allow', () => {
    expect(() => checkTensors(expected, [tensor('b', [3]), tensor('a', [2, 3])], options)).not.toThrow();
    const extra = [tensor('a', [2, 3]), tensor('b', [3]), tensor('tied', [3])];
    expect(() => checkTensors(expected, extra, { ...options, allowExtra: (t) => t.name === 'tied' })).not.toThrow();
  });

  it('names a missing, misshapen or unexpected tensor', () => {
    expect(() => checkTensors(expected, [tensor('a', [2, 3])], options)).toThrow(
      'missing, expected by config.json (TestModel, d 3)',
    );
    expect(() => checkTensors(expected, [tensor('a', [3, 2]), tensor('b', [3])], options)).toThrow(
      'shape [3, 2] disagrees with config.json, which implies [2, 3]',
    );
    expect(() => checkTensors(expected, [tensor('a', [2, 3]), tensor('b', [3]), tensor('c', [1])], options)).toThrow(
      'not expected by config.json',
    );
  });
});

describe('config fields', () => {
  it('reads typed fields with HF defaults and names the file and field on failure', () => {
    const raw = asRawConfig({ layers: 4, act: 'gelu', dims: [1, 2] }, 'config.json');
    expect(readInt(raw, 'config.json', 'layers', 1)).toBe(4);
    expect(readInt(raw, 'config.json', 'heads', 1, 8)).toBe(8);
    expect(readEnum(raw, 'config.json', 'act', ['gelu', 'relu'])).toBe('gelu');
    expect(readIntArray(raw, 'config.json', 'dims', 1)).toEqual([1, 2]);
    expect(() => readInt(raw, 'config.json', 'heads', 1)).toThrow(
      "field 'heads': expected an integer >= 1, got nothing (field missing)",
    );
    expect(() => readEnum(raw, 'config.json', 'act', ['relu'])).toThrow("expected one of 'relu', got \"gelu\"");
    expect(() => asRawConfig([1], 'config.json')).toThrow(ModelError);
  });

  it('refuses numbers past the sanity limits before anything is sized from them', () => {
    const raw = asRawConfig({ layers: 1e9, width: 2 ** 25, dims: new Array(2000).fill(1), ok: 1024 }, 'config.json');
    expect(() => readLayerCount(raw, 'config.json', 'layers')).toThrow(
      "config.json: field 'layers': expected an integer <= 1024 (a sanity limit), got 1000000000",
    );
    expect(readLayerCount(raw, 'config.json', 'ok')).toBe(1024);
    expect(() => readInt(raw, 'config.json', 'width', 1)).toThrow(/<= 16777216 \(a sanity limit\)/);
    expect(() => readIntArray(raw, 'config.json', 'dims', 1)).toThrow(/at most 1024 integers/);
  });
});
