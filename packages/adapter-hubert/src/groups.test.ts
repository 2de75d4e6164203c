import { OptionError } from '@speechfold/core';
import { describeModel } from '@speechfold/adapter-testkit';
import { hubertGroups } from './groups';
import { HUBERT_MODEL_OVERRIDES, tinyHubert } from './tiny.test-helper';

const heads0 = (groups: ReturnType<typeof hubertGroups>) => groups[0];
/** The groups with the response's LayerNorm left out (it depends on the layer-norm order). */
const withoutNorm = (groups: ReturnType<typeof hubertGroups>) =>
  groups.map((g) => ({ ...g, response: g.response && { ...g.response, norm: null } }));

describe('hubertGroups', () => {
  it('gives HubertForCTC layer groups on the hubert.-prefixed names, as METHOD.md §1 lists them', () => {
    const groups = hubertGroups(describeModel(tinyHubert()), ['ffn', 'heads']);
    expect(groups.map((g) => g.name)).toEqual([
      'encoder.layers.0.heads',
      'encoder.layers.0.ffn',
      'encoder.layers.1.heads',
      'encoder.layers.1.ffn',
    ]);
    const base = 'hubert.encoder.layers.1';
    expect(groups[3]).toEqual({
      name: 'encoder.layers.1.ffn',
      kind: 'ffn',
      layer: 1,
      stack: 'encoder',
      units: 64,
      producers: [
        { tensor: `${base}.feed_forward.intermediate_dense.weight`, axis: 0, start: 0, unitSize: 1 },
        { tensor: `${base}.feed_forward.intermediate_dense.bias`, axis: 0, start: 0, unitSize: 1 },
      ],
      consumers: [{ tensor: `${base}.feed_forward.output_dense.weight`, axis: 1, start: 0, unitSize: 1 }],
      // Pre-LN (hubert-tiny is do_stable_layer_norm): the FFN reads final_layer_norm's output.
      response: {
        norm: { weight: `${base}.final_layer_norm.weight`, bias: `${base}.final_layer_norm.bias` },
        activation: 'gelu',
        outputBias: `${base}.feed_forward.output_dense.bias`,
      },
    });
    expect(heads0(groups).response).toBeUndefined();
    const heads = groups[2];
    expect(heads).toMatchObject({ kind: 'heads', layer: 1, stack: 'encoder', units: 4 });
    expect(heads.producers.map((s) => s.tensor)).toEqual(
      ['q_proj', 'k_proj', 'v_proj'].flatMap((p) => [`${base}.attention.${p}.weight`, `${base}.attention.${p}.bias`]),
    );
    expect(heads.producers.every((s) => s.axis === 0 && s.start === 0 && s.unitSize === 8)).toBe(true);
    expect(heads.consumers).toEqual([{ tensor: `${base}.attention.out_proj.weight`, axis: 1, start: 0, unitSize: 8 }]);
  });

  it('gives HubertModel the same groups on unprefixed names', () => {
    const ctc = hubertGroups(describeModel(tinyHubert()), ['ffn', 'heads']);
    const bare = hubertGroups(describeModel(tinyHubert(HUBERT_MODEL_OVERRIDES)), ['ffn', 'heads']);
    const unprefix = (tensor: string): string => tensor.replace(/^hubert\./, '');
    // HubertModel's layout is post-LN, so only the LayerNorm its FFN reads differs (next test).
    expect(withoutNorm(bare)).toEqual(
      withoutNorm(ctc).map((g) => ({
        ...g,
        producers: g.producers.map((s) => ({ ...s, tensor: unprefix(s.tensor) })),
        consumers: g.consumers.map((s) => ({ ...s, tensor: unprefix(s.tensor) })),
        ...(g.response && {
          response: {
            ...g.response,
            outputBias: unprefix(g.response.outputBias),
          },
        }),
      })),
    );
    expect(bare[0].producers[0].tensor).toBe('encoder.layers.0.attention.q_proj.weight');
  });

  it('gives the same groups for either layer-norm order, except the LayerNorm the FFN reads', () => {
    const stable = hubertGroups(describeModel(tinyHubert({ do_stable_layer_norm: true })), ['ffn', 'heads']);
    const post = hubertGroups(describeModel(tinyHubert({ do_stable_layer_norm: false })), ['ffn', 'heads']);
    expect(withoutNorm(post)).toEqual(withoutNorm(stable));
    expect(stable[1].response?.norm.weight).toBe('hubert.encoder.layers.0.final_layer_norm.weight');
    expect(post[1].response?.norm.weight).toBe('hubert.encoder.layers.0.layer_norm.weight');
  });

  it('gives no response where the activation is not one it models', () => {
    const groups = hubertGroups(describeModel(tinyHubert({ hidden_act: 'gelu_new' })), ['ffn']);
    expect(groups.every((g) => g.response === undefined)).toBe(true);
  });

  it('returns only the kinds asked for, each once', () => {
    const model = describeModel(tinyHubert());
    expect(hubertGroups(model, ['ffn']).map((g) => g.kind)).toEqual(['ffn', 'ffn']);
    expect(hubertGroups(model, ['heads', 'heads']).map((g) => g.name)).toEqual([
      'encoder.layers.0.heads',
      'encoder.layers.1.heads',
    ]);
    expect(hubertGroups(model, [])).toEqual([]);
  });

  it("refuses a kind it does not offer ('qk') naming --groups and the choices", () => {
    expect(() => hubertGroups(describeModel(tinyHubert()), ['ffn', 'qk'])).toThrow(OptionError);
    expect(() => hubertGroups(describeModel(tinyHubert()), ['qk'])).toThrow(
      "option --groups: unknown group kind 'qk' for hubert models; this adapter offers: ffn, heads",
    );
  });
});
