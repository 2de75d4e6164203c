import { OptionError } from '@speechfold/core';
import { describeModel } from '@speechfold/adapter-testkit';
import { whisperGroups } from './groups';
import { tinyWhisper } from './tiny.test-helper';

describe('whisperGroups', () => {
  const groups = whisperGroups(describeModel(tinyWhisper()), ['ffn', 'heads']);
  const byName = new Map(groups.map((g) => [g.name, g]));

  it('lists per layer self-attention, cross-attention (decoder) and ffn groups, in module order', () => {
    expect(groups.map((g) => [g.name, g.stack, g.layer, g.units])).toEqual([
      ['encoder.layers.0.self_attn.heads', 'encoder', 0, 4],
      ['encoder.layers.0.ffn', 'encoder', 0, 32],
      ['encoder.layers.1.self_attn.heads', 'encoder', 1, 4],
      ['encoder.layers.1.ffn', 'encoder', 1, 32],
      ['decoder.layers.0.self_attn.heads', 'decoder', 2, 4],
      ['decoder.layers.0.encoder_attn.heads', 'decoder', 2, 4],
      ['decoder.layers.0.ffn', 'decoder', 2, 24],
      ['decoder.layers.1.self_attn.heads', 'decoder', 3, 4],
      ['decoder.layers.1.encoder_attn.heads', 'decoder', 3, 4],
      ['decoder.layers.1.ffn', 'decoder', 3, 24],
    ]);
  });

  it('folds fc1 rows and bias with fc2 columns; fc2.bias is never in a group, only in the response', () => {
    const base = 'model.decoder.layers.1';
    expect(byName.get('decoder.layers.1.ffn')).toEqual({
      name: 'decoder.layers.1.ffn',
      kind: 'ffn',
      layer: 3,
      stack: 'decoder',
      units: 24,
      producers: [
        { tensor: `${base}.fc1.weight`, axis: 0, start: 0, unitSize: 1 },
        { tensor: `${base}.fc1.bias`, axis: 0, start: 0, unitSize: 1 },
      ],
      consumers: [{ tensor: `${base}.fc2.weight`, axis: 1, start: 0, unitSize: 1 }],
      response: {
        norm: { weight: `${base}.final_layer_norm.weight`, bias: `${base}.final_layer_norm.bias` },
        activation: 'gelu',
        outputBias: `${base}.fc2.bias`,
      },
    });
  });

  it('gives cross-attention heads q/k/v rows without a k bias, and out_proj columns (no out_proj.bias)', () => {
    const base = 'model.decoder.layers.0.encoder_attn';
    const cross = byName.get('decoder.layers.0.encoder_attn.heads');
    expect(cross?.producers).toEqual(
      ['q_proj.weight', 'q_proj.bias', 'k_proj.weight', 'v_proj.weight', 'v_proj.bias'].map((t) => ({
        tensor: `${base}.${t}`,
        axis: 0,
        start: 0,
        unitSize: 4,
      })),
    );
    expect(cross?.consumers).toEqual([{ tensor: `${base}.out_proj.weight`, axis: 1, start: 0, unitSize: 4 }]);
    const tensors = groups.flatMap((g) => [...g.producers, ...g.consumers].map((s) => s.tensor));
    expect(
      tensors.filter((t) => t.endsWith('k_proj.bias') || t.endsWith('out_proj.bias') || t.endsWith('fc2.bias')),
    ).toEqual([]);
  });

  it('uses each stack its own head size', () => {
    const model = describeModel(tinyWhisper({ decoder_attention_heads: 2 }));
    const heads = whisperGroups(model, ['heads']);
    expect(heads.map((g) => [g.name, g.units, g.producers[0].unitSize])).toEqual([
      ['encoder.layers.0.self_attn.heads', 4, 4],
      ['encoder.layers.1.self_attn.heads', 4, 4],
      ['decoder.layers.0.self_attn.heads', 2, 8],
      ['decoder.layers.0.encoder_attn.heads', 2, 8],
      ['decoder.layers.1.self_attn.heads', 2, 8],
      ['decoder.layers.1.encoder_attn.heads', 2, 8],
    ]);
  });

  it("refuses a kind it does not offer ('vo') naming --groups and the choices", () => {
    expect(() => whisperGroups(describeModel(tinyWhisper()), ['vo'])).toThrow(OptionError);
    expect(() => whisperGroups(describeModel(tinyWhisper()), ['vo'])).toThrow(
      "option --groups: unknown group kind 'vo' for whisper models; this adapter offers: ffn, heads",
    );
  });
});
