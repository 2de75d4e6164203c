import { ModelError } from '@speechfold/core';
import { describeModel, foldModel, thrownBy } from '@speechfold/adapter-testkit';
import { hubertGroups } from './groups';
import { validateHubertModel } from './model-check';
import { rewriteHubertConfig } from './rewrite';
import { tinyHubert } from './tiny.test-helper';

const ALL = ['ffn', 'heads'];

describe('rewriteHubertConfig', () => {
  it("'hf' sets intermediate_size to the common FFN width and changes nothing else", () => {
    const model = tinyHubert();
    const kept = new Map([
      ['encoder.layers.0.ffn', 40],
      ['encoder.layers.1.ffn', 40],
    ]);
    const config = rewriteHubertConfig(describeModel(model), kept, 'hf');
    expect(config).toEqual({ ...model.config, intermediate_size: 40 });
  });

  it("'hf' with nothing folded returns the config unchanged, dropping an earlier dense key", () => {
    const model = tinyHubert();
    const dense = { ...model.config, speechfold: { version: 1, export: 'dense' } };
    expect(rewriteHubertConfig(describeModel({ ...model, config: dense }), new Map(), 'hf')).toEqual(model.config);
  });

  it("'hf' refuses fewer heads and uneven FFN widths with one line that points to extended and dense", () => {
    const model = describeModel(tinyHubert());
    const heads = thrownBy(() => rewriteHubertConfig(model, new Map([['encoder.layers.1.heads', 3]]), 'hf'));
    expect(heads).toBeInstanceOf(ModelError);
    expect((heads as ModelError).message).toBe(
      'option --export: a stock Hugging Face config cannot express encoder layer 1 with 3 of 4 self-attention heads; ' +
        'use --export extended (per-layer widths in config.json) or --export dense (original shapes)',
    );
    const ffn = thrownBy(() => rewriteHubertConfig(model, new Map([['encoder.layers.0.ffn', 40]]), 'hf'));
    expect((ffn as ModelError).message).toContain(
      'encoder FFN widths that differ between layers (40 and 64 at layer 1)',
    );
  });

  it("'extended' adds the documented key, every layer listed, stock fields at their original values", () => {
    const model = tinyHubert();
    const kept = new Map([
      ['encoder.layers.0.ffn', 48],
      ['encoder.layers.0.heads', 3],
      ['encoder.layers.1.ffn', 20],
    ]);
    const config = rewriteHubertConfig(describeModel(model), kept, 'extended');
    expect(JSON.stringify(config.speechfold)).toBe(
      JSON.stringify({
        version: 1,
        export: 'extended',
        layers: [
          { stack: 'encoder', index: 0, ffn_dim: 48, self_attention_heads: 3 },
          { stack: 'encoder', index: 1, ffn_dim: 20, self_attention_heads: 4 },
        ],
        head_dim: 8,
      }),
    );
    expect({ ...config, speechfold: undefined }).toEqual({ ...model.config, speechfold: undefined });
    expect(Object.keys(config).at(-1)).toBe('speechfold');
  });

  it("compresses an extended export again: 'extended' keeps untouched layers' folded widths, 'hf' refuses them", () => {
    const model = tinyHubert();
    const groups = hubertGroups(describeModel(model), ALL);
    const kept = new Map([['encoder.layers.0.heads', 2]]);
    const first = {
      config: rewriteHubertConfig(describeModel(model), kept, 'extended'),
      tensors: foldModel(model, groups, kept).tensors,
    };
    validateHubertModel(describeModel(first));
    const again = rewriteHubertConfig(describeModel(first), new Map([['encoder.layers.1.ffn', 32]]), 'extended');
    expect((again.speechfold as { layers: unknown[] }).layers).toEqual([
      { stack: 'encoder', index: 0, ffn_dim: 64, self_attention_heads: 2 },
      { stack: 'encoder', index: 1, ffn_dim: 32, self_attention_heads: 4 },
    ]);
    expect(() => rewriteHubertConfig(describeModel(first), new Map(), 'hf')).toThrow(/2 of 4 self-attention heads/);
  });

  it("'dense' marks the export, and keeps the per-layer widths of an extended input (its shapes stay)", () => {
    const model = tinyHubert();
    expect(rewriteHubertConfig(describeModel(model), new Map([['encoder.layers.0.ffn', 8]]), 'dense')).toEqual({
      ...model.config,
      speechfold: { version: 1, export: 'dense' },
    });
    const groups = hubertGroups(describeModel(model), ALL);
    const kept = new Map([['encoder.layers.1.ffn', 16]]);
    const extended = {
      config: rewriteHubertConfig(describeModel(model), kept, 'extended'),
      tensors: foldModel(model, groups, kept).tensors,
    };
    const dense = rewriteHubertConfig(describeModel(extended), new Map([['encoder.layers.0.ffn', 8]]), 'dense');
    expect(dense.speechfold).toEqual({ ...(extended.config.speechfold as object), export: 'dense' });
    validateHubertModel(describeModel({ config: dense, tensors: extended.tensors }));
  });
});
