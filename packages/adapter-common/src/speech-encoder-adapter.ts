/**
 * Fold groups, config rewrite and the ModelAdapter of a wav2vec2-style speech encoder family
 * (METHOD.md §1), one group per encoder layer and kind:
 * - 'ffn' `encoder.layers.L.ffn`: producers intermediate_dense rows and bias, consumers output_dense
 *   columns (output_dense.bias belongs to the residual stream and is never folded; the group's
 *   response names the LayerNorm the FFN reads, the activation and output_dense.bias, which the bias
 *   correction may rewrite);
 * - 'heads' `encoder.layers.L.heads`: producers the head's rows of q/k/v weights and biases,
 *   consumers its columns of out_proj (out_proj.bias never).
 * Unit counts are read from the tensor shapes, so an extended export can be compressed again. The
 * config rewrite writes the common FFN width to `intermediate_size` ('hf'), lists every encoder layer
 * under the `speechfold` key ('extended'), or only marks the export ('dense').
 */
import type { FoldGroup, ModelAdapter, ModelDescription, UnitSlice } from '@speechfold/core';
import { exportConfig, parseExportMode, widthsBeforeAndAfter } from './export-config';
import { parseGroupKinds, responseActivation, unitsOf } from './group-kinds';
import {
  resolveSpeechEncoder,
  stockSpeechEncoderWidths,
  validateSpeechEncoderModel,
  type SpeechEncoderFamily,
} from './speech-encoder';
import type { SpeechEncoderConfig } from './speech-encoder-config';

/** The group kinds a speech encoder offers, in the order each layer lists them. */
export const SPEECH_ENCODER_GROUP_KINDS = ['ffn', 'heads'] as const;

/** One kind a speech encoder offers. */
export type SpeechEncoderGroupKind = (typeof SPEECH_ENCODER_GROUP_KINDS)[number];

/** Names of encoder layer `index`'s groups. */
export function speechEncoderGroupNames(index: number): { ffn: string; heads: string } {
  return { ffn: `encoder.layers.${index}.ffn`, heads: `encoder.layers.${index}.heads` };
}

/** The fold groups of the requested kinds, layer by layer (heads before ffn, as in the module). */
export function speechEncoderGroups(family: SpeechEncoderFamily, model: ModelDescription, kinds: readonly string[]): FoldGroup[] {
  const wanted = parseGroupKinds(kinds, SPEECH_ENCODER_GROUP_KINDS, family.modelType);
  const { config, layout } = resolveSpeechEncoder(family, model);
  const activation = responseActivation(config.hidden_act);
  const shapes = new Map(model.tensors.map((t) => [t.name, t.shape]));
  const groups: FoldGroup[] = [];
  for (const [index, widths] of layout.layers.entries()) {
    const base = `${layout.prefix}encoder.layers.${index}`;
    const names = speechEncoderGroupNames(index);
    if (wanted.has('heads')) {
      const rows = (tensor: string): UnitSlice => ({ tensor, axis: 0, start: 0, unitSize: widths.headDim });
      const producers = ['q_proj', 'k_proj', 'v_proj'].flatMap((proj) => [
        rows(`${base}.attention.${proj}.weight`),
        rows(`${base}.attention.${proj}.bias`),
      ]);
      const consumer: UnitSlice = { tensor: `${base}.attention.out_proj.weight`, axis: 1, start: 0, unitSize: widths.headDim };
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
      // The FFN reads final_layer_norm's output in pre-LN (stable) layers and layer_norm's in post-LN ones.
      const norm = `${base}.${config.do_stable_layer_norm ? 'final_layer_norm' : 'layer_norm'}`;
      groups.push({
        name: names.ffn,
        kind: 'ffn',
        layer: index,
        stack: 'encoder',
        units: unitsOf(shapes, producers[0]),
        producers,
        consumers: [{ tensor: `${base}.feed_forward.output_dense.weight`, axis: 1, start: 0, unitSize: 1 }],
        response:
          activation === null
            ? undefined
            : { norm: { weight: `${norm}.weight`, bias: `${norm}.bias` }, activation, outputBias: `${base}.feed_forward.output_dense.bias` },
      });
    }
  }
  return groups;
}

/** The config.json of `model` compressed to `kept` units per group name, in export `mode`. */
export function rewriteSpeechEncoderConfig(
  family: SpeechEncoderFamily,
  model: ModelDescription,
  kept: ReadonlyMap<string, number>,
  mode: string,
): Record<string, unknown> {
  parseExportMode(mode);
  const { config, layout } = resolveSpeechEncoder(family, model);
  const { before, after } = widthsBeforeAndAfter(
    layout.layers,
    speechEncoderGroups(family, model, SPEECH_ENCODER_GROUP_KINDS),
    kept,
    (layer) => {
      const names = speechEncoderGroupNames(layer.index);
      return { ffn: names.ffn, selfAttention: names.heads };
    },
  );
  return exportConfig(
    { config: model.config, stock: stockSpeechEncoderWidths(config), before, after, ffnField: { encoder: 'intermediate_size' } },
    mode,
  );
}

/**
 * The ModelAdapter of one speech encoder family: detection by model_type, validation, groups and the
 * config rewrite above. A family's adapter extends it (with tsyringe's `@injectable()` on the subclass)
 * or is `new SpeechEncoderAdapter(family)`.
 */
export class SpeechEncoderAdapter<C extends SpeechEncoderConfig = SpeechEncoderConfig> implements ModelAdapter {
  readonly id: string;

  constructor(readonly family: SpeechEncoderFamily<C>) {
    this.id = family.modelType;
  }

  /**
   * Any config of the family's model_type: an unsupported architecture is then refused by `validate`
   * with a message naming the field, which says more than "unknown model type" would.
   */
  matches(config: Record<string, unknown>): boolean {
    return config.model_type === this.family.modelType;
  }

  validate(model: ModelDescription): void {
    validateSpeechEncoderModel(this.family, model);
  }

  groups(model: ModelDescription, kinds: readonly string[]): FoldGroup[] {
    return speechEncoderGroups(this.family, model, kinds);
  }

  rewriteConfig(model: ModelDescription, kept: Map<string, number>, mode: string): Record<string, unknown> {
    return rewriteSpeechEncoderConfig(this.family, model, kept, mode);
  }
}
