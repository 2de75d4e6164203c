/**
 * Whisper's fold groups (METHOD.md §1), per layer and kind:
 * - 'ffn' `encoder.layers.L.ffn` / `decoder.layers.L.ffn`: producers fc1 rows and bias, consumers fc2
 *   columns (fc2.bias belongs to the residual stream and is never folded; the group's response names
 *   final_layer_norm, GELU and fc2.bias, which the bias correction may rewrite);
 * - 'heads' `encoder.layers.L.self_attn.heads`, `decoder.layers.L.self_attn.heads` and
 *   `decoder.layers.L.encoder_attn.heads` (cross-attention): producers the head's rows of q/k/v
 *   weights and of the q and v biases (Whisper's k_proj has no bias), consumers its out_proj columns.
 * Decoder groups are numbered after the encoder's (layer = encoder_layers + L), as core expects.
 * Unit counts are read from the tensor shapes, so an extended export can be compressed again.
 */
import { parseGroupKinds, responseActivation, unitsOf } from '@speechfold/adapter-common';
import { type FoldGroup, type ModelDescription, type UnitSlice } from '@speechfold/core';
import type { LayerWidths } from '@speechfold/adapter-common';
import { resolveWhisper } from './model-check';

/** The group kinds this adapter offers. */
export const WHISPER_GROUP_KINDS = ['ffn', 'heads'] as const;

/** One kind Whisper offers. */
export type WhisperGroupKind = (typeof WHISPER_GROUP_KINDS)[number];

/** The requested kinds, checked: an unknown one is an OptionError naming --groups and the choices. */
export function parseWhisperKinds(kinds: readonly string[]): Set<WhisperGroupKind> {
  return parseGroupKinds(kinds, WHISPER_GROUP_KINDS, 'whisper');
}

/** Names of one layer's groups (crossAttention on decoder layers only). */
export function whisperGroupNames(
  stack: string,
  index: number,
): { ffn: string; selfAttention: string; crossAttention?: string } {
  const base = `${stack}.layers.${index}`;
  const names = { ffn: `${base}.ffn`, selfAttention: `${base}.self_attn.heads` };
  return stack === 'decoder' ? { ...names, crossAttention: `${base}.encoder_attn.heads` } : names;
}


/** The heads group of one attention block (`module` = 'self_attn' or 'encoder_attn'). */
function headsGroup(
  name: string,
  prefix: string,
  widths: LayerWidths,
  layer: number,
  shapes: Map<string, readonly number[]>,
): FoldGroup {
  const rows = (tensor: string): UnitSlice => ({ tensor, axis: 0, start: 0, unitSize: widths.headDim });
  const producers = [
    rows(`${prefix}.q_proj.weight`),
    rows(`${prefix}.q_proj.bias`),
    rows(`${prefix}.k_proj.weight`),
    rows(`${prefix}.v_proj.weight`),
    rows(`${prefix}.v_proj.bias`),
  ];
  return {
    name,
    kind: 'heads',
    layer,
    stack: widths.stack,
    units: unitsOf(shapes, producers[0]),
    producers,
    consumers: [{ tensor: `${prefix}.out_proj.weight`, axis: 1, start: 0, unitSize: widths.headDim }],
  };
}

function ffnGroup(
  name: string,
  prefix: string,
  widths: LayerWidths,
  layer: number,
  shapes: Map<string, readonly number[]>,
  activation: 'gelu' | 'relu' | null,
): FoldGroup {
  const producers: UnitSlice[] = [
    { tensor: `${prefix}.fc1.weight`, axis: 0, start: 0, unitSize: 1 },
    { tensor: `${prefix}.fc1.bias`, axis: 0, start: 0, unitSize: 1 },
  ];
  return {
    name,
    kind: 'ffn',
    layer,
    stack: widths.stack,
    units: unitsOf(shapes, producers[0]),
    producers,
    consumers: [{ tensor: `${prefix}.fc2.weight`, axis: 1, start: 0, unitSize: 1 }],
    // Whisper is pre-LN: fc1 reads final_layer_norm's output.
    response:
      activation === null
        ? undefined
        : {
            norm: { weight: `${prefix}.final_layer_norm.weight`, bias: `${prefix}.final_layer_norm.bias` },
            activation,
            outputBias: `${prefix}.fc2.bias`,
          },
  };
}

/** The fold groups of the requested kinds, layer by layer in module order (self-attention, cross-attention, ffn). */
export function whisperGroups(model: ModelDescription, kinds: readonly string[]): FoldGroup[] {
  const wanted = parseWhisperKinds(kinds);
  const { config, layers } = resolveWhisper(model);
  const shapes = new Map(model.tensors.map((t) => [t.name, t.shape]));
  const groups: FoldGroup[] = [];
  for (const widths of layers) {
    const module = `model.${widths.stack}.layers.${widths.index}`;
    const layer = widths.stack === 'decoder' ? config.encoder_layers + widths.index : widths.index;
    const names = whisperGroupNames(widths.stack, widths.index);
    if (wanted.has('heads')) {
      groups.push(headsGroup(names.selfAttention, `${module}.self_attn`, widths, layer, shapes));
      if (names.crossAttention !== undefined) {
        groups.push(headsGroup(names.crossAttention, `${module}.encoder_attn`, widths, layer, shapes));
      }
    }
    if (wanted.has('ffn')) groups.push(ffnGroup(names.ffn, module, widths, layer, shapes, responseActivation(config.activation_function)));
  }
  return groups;
}
