/**
 * HuBERT's fold groups (METHOD.md §1), one per encoder layer and kind:
 * - 'ffn' `encoder.layers.L.ffn`: producers intermediate_dense rows and bias, consumers output_dense
 *   columns (output_dense.bias belongs to the residual stream and is never folded; the group's
 *   response names the LayerNorm the FFN reads, the activation and output_dense.bias, which the bias
 *   correction may rewrite);
 * - 'heads' `encoder.layers.L.heads`: producers the head's rows of q/k/v weights and biases,
 *   consumers its columns of out_proj (out_proj.bias never).
 * Unit counts are read from the tensor shapes, so an extended export can be compressed again.
 */
import { parseGroupKinds, responseActivation, unitsOf } from '@speechfold/adapter-common';
import { type FoldGroup, type ModelDescription, type UnitSlice } from '@speechfold/core';
import { resolveHubert } from './model-check';

/** The group kinds this adapter offers, in the order each layer lists them. */
export const HUBERT_GROUP_KINDS = ['ffn', 'heads'] as const;

/** One kind HuBERT offers. */
export type HubertGroupKind = (typeof HUBERT_GROUP_KINDS)[number];

/** The requested kinds, checked: an unknown one is an OptionError naming --groups and the choices. */
export function parseHubertKinds(kinds: readonly string[]): Set<HubertGroupKind> {
  return parseGroupKinds(kinds, HUBERT_GROUP_KINDS, 'hubert');
}

/** Names of layer `index`'s groups. */
export function hubertGroupNames(index: number): { ffn: string; heads: string } {
  return { ffn: `encoder.layers.${index}.ffn`, heads: `encoder.layers.${index}.heads` };
}


/** The fold groups of the requested kinds, layer by layer (heads before ffn, as in the module). */
export function hubertGroups(model: ModelDescription, kinds: readonly string[]): FoldGroup[] {
  const wanted = parseHubertKinds(kinds);
  const { config, layout } = resolveHubert(model);
  const activation = responseActivation(config.hidden_act);
  const shapes = new Map(model.tensors.map((t) => [t.name, t.shape]));
  const groups: FoldGroup[] = [];
  for (const [index, widths] of layout.layers.entries()) {
    const base = `${layout.prefix}encoder.layers.${index}`;
    const names = hubertGroupNames(index);
    if (wanted.has('heads')) {
      const rows = (tensor: string): UnitSlice => ({ tensor, axis: 0, start: 0, unitSize: widths.headDim });
      const producers = ['q_proj', 'k_proj', 'v_proj'].flatMap((proj) => [
        rows(`${base}.attention.${proj}.weight`),
        rows(`${base}.attention.${proj}.bias`),
      ]);
      const consumer: UnitSlice = {
        tensor: `${base}.attention.out_proj.weight`,
        axis: 1,
        start: 0,
        unitSize: widths.headDim,
      };
      groups.push({
        name: names.heads,
        kind: 'heads',
        layer: index,
        stack: 'encoder',
        units: unitsOf(shapes, producers[0]),
        producers,
        consumers: [consumer],
      });
    }
    if (wanted.has('ffn')) {
      const fc1 = `${base}.feed_forward.intermediate_dense`;
      const producers: UnitSlice[] = [
        { tensor: `${fc1}.weight`, axis: 0, start: 0, unitSize: 1 },
        { tensor: `${fc1}.bias`, axis: 0, start: 0, unitSize: 1 },
      ];
      groups.push({
        name: names.ffn,
        kind: 'ffn',
        layer: index,
        stack: 'encoder',
        units: unitsOf(shapes, producers[0]),
        producers,
        consumers: [{ tensor: `${base}.feed_forward.output_dense.weight`, axis: 1, start: 0, unitSize: 1 }],
        // The FFN reads final_layer_norm's output in pre-LN (stable) layers and layer_norm's in post-LN ones.
        response:
          activation === null
            ? undefined
            : {
                norm: {
                  weight: `${base}.${config.do_stable_layer_norm ? 'final_layer_norm' : 'layer_norm'}.weight`,
                  bias: `${base}.${config.do_stable_layer_norm ? 'final_layer_norm' : 'layer_norm'}.bias`,
                },
                activation,
                outputBias: `${base}.feed_forward.output_dense.bias`,
              },
      });
    }
  }
  return groups;
}
