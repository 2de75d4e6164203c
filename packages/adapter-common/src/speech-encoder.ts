/**
 * The wav2vec2-style speech encoder as a checkpoint stores it, for every family that shares its
 * modules (HF's wav2vec2, and HuBERT, whose modeling file reuses them): the exact state-dict in module
 * order, the stored layout (a CTC class with its base-model prefix and lm_head, or the bare encoder
 * class without either), each encoder layer's widths (stock or from the `speechfold` key), and the
 * check of a tensor list against its config.json. A family is a `SpeechEncoderFamily`: its
 * model_type, class names, prefix and typed config reader.
 */
import type { ModelDescription, TensorInfo } from '@speechfold/core';
import type { RawConfig } from './config-fields';
import { readSpeechfoldKey, SPEECHFOLD_KEY, widthsFromKey, type LayerWidths } from './export-key';
import type { ParameterSpec } from './parameter-spec';
import type { SpeechEncoderConfig } from './speech-encoder-config';
import { checkTensors } from './tensor-check';

/** One model family that stores the wav2vec2-style encoder. */
export interface SpeechEncoderFamily<C extends SpeechEncoderConfig = SpeechEncoderConfig> {
  /** config.json's model_type, e.g. 'wav2vec2'; also the adapter's id. */
  modelType: string;
  /** The CTC class, e.g. 'Wav2Vec2ForCTC': its files prefix the encoder's names with `prefix` and store lm_head. */
  ctcArchitecture: string;
  /** The bare encoder class, e.g. 'Wav2Vec2Model': the same names without the prefix, no head. */
  bareArchitecture: string;
  /** The CTC class's base-model prefix, e.g. 'wav2vec2.'. */
  prefix: string;
  /** Reads config.json typed, HF's defaults filled; throws core ModelError naming `file` and the field. */
  readConfig(config: unknown, file: string): C;
}

/** How a checkpoint stores the encoder: name prefix, head, and each encoder layer's widths. */
export interface SpeechEncoderLayout {
  /** The family's prefix in CTC-class files; '' in bare-encoder files (the model is the whole state-dict). */
  prefix: string;
  /** Whether lm_head (the CTC head) is stored. */
  ctcHead: boolean;
  /** One entry per encoder layer. */
  layers: LayerWidths[];
}

/** ModelDescription carries no path; errors name the config by its file name. */
const CONFIG_FILE = 'config.json';

/** The widths the stock fields state: intermediate_size and num_attention_heads in every layer. */
export function stockSpeechEncoderWidths(config: SpeechEncoderConfig): LayerWidths[] {
  const headDim = config.hidden_size / config.num_attention_heads;
  return Array.from({ length: config.num_hidden_layers }, (_, index) => ({
    stack: 'encoder',
    index,
    ffnDim: config.intermediate_size,
    selfAttentionHeads: config.num_attention_heads,
    headDim,
  }));
}

/**
 * The per-layer widths of a config.json of the family (stock or extended export), checked: the config
 * by the family's reader, the key against the schema and the stock layer list. `file` names it in errors.
 */
export function speechEncoderLayerWidths(family: SpeechEncoderFamily, config: unknown, file = CONFIG_FILE): LayerWidths[] {
  const stock = stockSpeechEncoderWidths(family.readConfig(config, file));
  const key = readSpeechfoldKey(config as RawConfig, file);
  return key === null ? stock : widthsFromKey(key, stock, file);
}

/** The layout HF's save_pretrained writes for this config: the CTC class with its prefix and head, else the bare encoder. */
export function defaultSpeechEncoderLayout(family: SpeechEncoderFamily, config: SpeechEncoderConfig): SpeechEncoderLayout {
  const ctc = config.architectures.includes(family.ctcArchitecture);
  return { prefix: ctc ? family.prefix : '', ctcHead: ctc, layers: stockSpeechEncoderWidths(config) };
}

/**
 * Every parameter the checkpoint stores for this config and layout, in module order (HF's
 * modeling_wav2vec2: feature encoder, feature projection, masked_spec_embed, encoder, lm_head).
 */
export function speechEncoderParameters(config: SpeechEncoderConfig, layout: SpeechEncoderLayout): ParameterSpec[] {
  const { prefix } = layout;
  const out: ParameterSpec[] = [];
  const add = (name: string, shape: number[]): void => {
    out.push({ name, shape });
  };
  const hidden = config.hidden_size;

  // Feature encoder: Conv1d(in, out, kernel) per layer; the first reads the raw waveform (1 channel).
  config.conv_dim.forEach((outDim, i) => {
    const inDim = i === 0 ? 1 : config.conv_dim[i - 1];
    const base = `${prefix}feature_extractor.conv_layers.${i}`;
    add(`${base}.conv.weight`, [outDim, inDim, config.conv_kernel[i]]);
    if (config.conv_bias) add(`${base}.conv.bias`, [outDim]);
    // 'layer': LayerNorm after every conv. 'group': GroupNorm (still named layer_norm) on layer 0 only.
    if (config.feat_extract_norm === 'layer' || i === 0) {
      add(`${base}.layer_norm.weight`, [outDim]);
      add(`${base}.layer_norm.bias`, [outDim]);
    }
  });

  const convOut = config.conv_dim[config.conv_dim.length - 1];
  // HuBERT can turn this norm off (feat_proj_layer_norm); wav2vec2 has no such field and always has it.
  if (config.feat_proj_layer_norm !== false) {
    add(`${prefix}feature_projection.layer_norm.weight`, [convOut]);
    add(`${prefix}feature_projection.layer_norm.bias`, [convOut]);
  }
  add(`${prefix}feature_projection.projection.weight`, [hidden, convOut]);
  add(`${prefix}feature_projection.projection.bias`, [hidden]);

  // Only created when SpecAugment can mask, so fine-tuned and pretrained checkpoints differ here.
  if (config.mask_time_prob > 0 || config.mask_feature_prob > 0) add(`${prefix}masked_spec_embed`, [hidden]);

  // Positional conv with weight norm over dim 2: g is [1, 1, kernel], v the full grouped weight.
  // These are the classic names; torch >= 2.1 parametrizations (and transformers 5's save_pretrained)
  // store them as conv.parametrizations.weight.original0/original1, which validation accepts as these.
  const pos = `${prefix}encoder.pos_conv_embed.conv`;
  const kernel = config.num_conv_pos_embeddings;
  add(`${pos}.weight_g`, [1, 1, kernel]);
  add(`${pos}.weight_v`, [hidden, hidden / config.num_conv_pos_embedding_groups, kernel]);
  add(`${pos}.bias`, [hidden]);
  add(`${prefix}encoder.layer_norm.weight`, [hidden]);
  add(`${prefix}encoder.layer_norm.bias`, [hidden]);

  // Post-LN (base) and pre-LN (large, do_stable_layer_norm) layers store the same tensors.
  for (const [l, widths] of layout.layers.entries()) {
    const layer = `${prefix}encoder.layers.${l}`;
    // q/k/v rows and out_proj columns hold heads * head_dim: hidden_size in a stock model.
    const inner = widths.selfAttentionHeads * widths.headDim;
    for (const proj of ['k_proj', 'v_proj', 'q_proj']) {
      add(`${layer}.attention.${proj}.weight`, [inner, hidden]);
      add(`${layer}.attention.${proj}.bias`, [inner]);
    }
    add(`${layer}.attention.out_proj.weight`, [hidden, inner]);
    add(`${layer}.attention.out_proj.bias`, [hidden]);
    add(`${layer}.layer_norm.weight`, [hidden]);
    add(`${layer}.layer_norm.bias`, [hidden]);
    add(`${layer}.feed_forward.intermediate_dense.weight`, [widths.ffnDim, hidden]);
    add(`${layer}.feed_forward.intermediate_dense.bias`, [widths.ffnDim]);
    add(`${layer}.feed_forward.output_dense.weight`, [hidden, widths.ffnDim]);
    add(`${layer}.feed_forward.output_dense.bias`, [hidden]);
    add(`${layer}.final_layer_norm.weight`, [hidden]);
    add(`${layer}.final_layer_norm.bias`, [hidden]);
  }

  // CTC head on hidden_size features (no adapter on top of the encoder). Never prefixed.
  if (layout.ctcHead) {
    add('lm_head.weight', [config.vocab_size, hidden]);
    add('lm_head.bias', [config.vocab_size]);
  }
  return out;
}

/** `prefix` when the stored names carry the CTC class's prefix, else '' (the bare encoder). */
export function detectSpeechEncoderPrefix(tensors: readonly TensorInfo[], prefix: string): string {
  return tensors.some((t) => t.name.startsWith(prefix)) ? prefix : '';
}

/** A validated config with the layout its tensors are stored in. */
export interface ResolvedSpeechEncoder<C extends SpeechEncoderConfig = SpeechEncoderConfig> {
  config: C;
  layout: SpeechEncoderLayout;
}

/**
 * The config (checked) and layout of a model: the prefix comes from the tensor names, since bare
 * encoder checkpoints drop it; lm_head is expected for the CTC class only; widths per layer.
 */
export function resolveSpeechEncoder<C extends SpeechEncoderConfig>(
  family: SpeechEncoderFamily<C>,
  model: ModelDescription,
): ResolvedSpeechEncoder<C> {
  const config = family.readConfig(model.config, CONFIG_FILE);
  const layout: SpeechEncoderLayout = {
    prefix: detectSpeechEncoderPrefix(model.tensors, family.prefix),
    ctcHead: config.architectures.includes(family.ctcArchitecture),
    layers: speechEncoderLayerWidths(family, model.config, CONFIG_FILE),
  };
  return { config, layout };
}

/**
 * torch >= 2.1 saves the weight-normed positional conv under parametrization names; they hold the
 * same g and v, so they count as the classic names.
 */
function canonicalName(name: string): string {
  return name
    .replace(/pos_conv_embed\.conv\.parametrizations\.weight\.original0$/, 'pos_conv_embed.conv.weight_g')
    .replace(/pos_conv_embed\.conv\.parametrizations\.weight\.original1$/, 'pos_conv_embed.conv.weight_v');
}

function describeConfig(family: SpeechEncoderFamily, config: SpeechEncoderConfig, extended: boolean): string {
  const architecture = config.architectures.includes(family.ctcArchitecture) ? family.ctcArchitecture : family.bareArchitecture;
  const widths = extended ? `; per-layer widths from '${SPEECHFOLD_KEY}.layers'` : '';
  return (
    `${architecture}, hidden_size ${config.hidden_size}, num_hidden_layers ${config.num_hidden_layers}, ` +
    `num_attention_heads ${config.num_attention_heads}, intermediate_size ${config.intermediate_size}${widths}`
  );
}

/** Checks that config.json and the tensors agree; throws ModelError naming the field or tensor at fault. */
export function validateSpeechEncoderModel(family: SpeechEncoderFamily, model: ModelDescription): void {
  const { config, layout } = resolveSpeechEncoder(family, model);
  const expected = speechEncoderParameters(config, layout);
  const stored = model.tensors.map((t) => ({ ...t, name: canonicalName(t.name) }));
  const hasLayers = readSpeechfoldKey(model.config, CONFIG_FILE)?.layers !== undefined;
  checkTensors(expected, stored, {
    context: describeConfig(family, config, hasLayers),
    // HF creates masked_spec_embed only when SpecAugment can mask; a config edited to mask nothing
    // still loads a file that has it.
    allowExtra: (t) => t.name === `${layout.prefix}masked_spec_embed` && t.shape.join() === `${config.hidden_size}`,
  });
}
