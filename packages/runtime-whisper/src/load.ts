/**
 * loadWhisper: a Whisper model dir (config.json, safetensors, generation config, tokenizer files)
 * into a WhisperModel. Shapes come from the adapter's parameter list for the config's per-layer
 * widths, so a stock checkpoint and an `extended` export (FFN widths and head counts per layer) load
 * alike, and every tensor is checked against them before anything runs.
 */
import path from 'node:path';
import { ModelError, checkModelDir, type Tensor, type TensorEngine, type TensorSource } from '@speechfold/core';
import {
  validateWhisperConfig,
  whisperLayerWidths,
  whisperParameters,
  type LayerWidths,
} from '@speechfold/adapter-whisper';
import { openCheckpoint } from '@speechfold/safetensors';
import { readGenerationSettings } from './generation-config';
import type { AttentionWeights, DecoderGraphMode, DecoderLayerWeights, EncoderGraphMode, EncoderLayerWeights, FeedForwardWeights, NormWeights, WhisperModel, WhisperWeights } from './model';
import { loadTokenizer, readJsonObject } from './tokenizer-files';

const PROJ_OUT = 'proj_out.weight';

/** Options of loadWhisper. */
export interface LoadWhisperOptions {
  /** See WhisperModel.encoderGraph; default 'fused' (one graph on onnxruntime, the per-op path elsewhere). */
  encoderGraph?: EncoderGraphMode;
  /** See WhisperModel.decoderGraph; default 'on' (one graph per step on onnxruntime, the per-op path elsewhere). */
  decoderGraph?: DecoderGraphMode;
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** Reads one tensor as fp32 after checking it exists with the expected shape. */
async function readTensor(source: TensorSource, name: string, shape: number[]): Promise<Tensor> {
  if (!source.has(name)) throw new ModelError({ file: source.path, tensor: name }, 'missing from the checkpoint');
  const stored = source.info(name).shape;
  if (!sameShape(stored, shape)) {
    throw new ModelError({ file: source.path, tensor: name }, `expected shape [${shape.join(', ')}] (from config.json), got [${stored.join(', ')}]`);
  }
  return { shape, data: await source.readFloat32(name) };
}

/** Groups the flat name -> tensor table into modules. */
function groupWeights(t: Map<string, Tensor>, layers: LayerWidths[], projOut: Tensor): WhisperWeights {
  const get = (name: string): Tensor => t.get(name) as Tensor;
  const norm = (base: string): NormWeights => ({ weight: get(`${base}.weight`), bias: get(`${base}.bias`) });
  const attention = (base: string, heads: number, headDim: number): AttentionWeights => ({
    heads,
    headDim,
    q: get(`${base}.q_proj.weight`),
    qBias: get(`${base}.q_proj.bias`),
    k: get(`${base}.k_proj.weight`),
    v: get(`${base}.v_proj.weight`),
    vBias: get(`${base}.v_proj.bias`),
    out: get(`${base}.out_proj.weight`),
    outBias: get(`${base}.out_proj.bias`),
  });
  const ffn = (base: string): FeedForwardWeights => ({
    fc1: get(`${base}.fc1.weight`),
    fc1Bias: get(`${base}.fc1.bias`),
    fc2: get(`${base}.fc2.weight`),
    fc2Bias: get(`${base}.fc2.bias`),
  });
  const encoderLayers: EncoderLayerWeights[] = layers
    .filter((w) => w.stack === 'encoder')
    .map((w) => {
      const base = `model.encoder.layers.${w.index}`;
      return {
        selfAttnNorm: norm(`${base}.self_attn_layer_norm`),
        selfAttn: attention(`${base}.self_attn`, w.selfAttentionHeads, w.headDim),
        finalNorm: norm(`${base}.final_layer_norm`),
        ffn: ffn(base),
      };
    });
  const decoderLayers: DecoderLayerWeights[] = layers
    .filter((w) => w.stack === 'decoder')
    .map((w) => {
      const base = `model.decoder.layers.${w.index}`;
      return {
        selfAttnNorm: norm(`${base}.self_attn_layer_norm`),
        selfAttn: attention(`${base}.self_attn`, w.selfAttentionHeads, w.headDim),
        crossAttnNorm: norm(`${base}.encoder_attn_layer_norm`),
        crossAttn: attention(`${base}.encoder_attn`, w.crossAttentionHeads ?? w.selfAttentionHeads, w.headDim),
        finalNorm: norm(`${base}.final_layer_norm`),
        ffn: ffn(base),
      };
    });
  return {
    conv1: get('model.encoder.conv1.weight'),
    conv1Bias: get('model.encoder.conv1.bias'),
    conv2: get('model.encoder.conv2.weight'),
    conv2Bias: get('model.encoder.conv2.bias'),
    encoderPositions: get('model.encoder.embed_positions.weight'),
    encoderLayers,
    encoderNorm: norm('model.encoder.layer_norm'),
    embedTokens: get('model.decoder.embed_tokens.weight'),
    decoderPositions: get('model.decoder.embed_positions.weight'),
    decoderLayers,
    decoderNorm: norm('model.decoder.layer_norm'),
    projOut,
  };
}

/**
 * Loads a Whisper model dir for inference on `engine`: config.json validated by the adapter (stock or
 * extended export), every tensor in fp32 with its shape checked, proj_out tied to embed_tokens
 * unless the checkpoint stores its own, generation_config.json and the tokenizer.
 */
export async function loadWhisper(dir: string, engine: TensorEngine, options: LoadWhisperOptions = {}): Promise<WhisperModel> {
  await checkModelDir(dir);
  const configFile = path.join(dir, 'config.json');
  const raw = await readJsonObject(configFile, false);
  const layers = whisperLayerWidths(raw, configFile);
  const config = validateWhisperConfig(raw, configFile);
  if (config.activation_function !== 'gelu') {
    throw new ModelError({ file: configFile }, `field 'activation_function': only 'gelu' is implemented, got '${config.activation_function}'`);
  }
  const source = await openCheckpoint(dir);
  try {
    const tensors = new Map<string, Tensor>();
    for (const spec of whisperParameters(config, layers)) tensors.set(spec.name, await readTensor(source, spec.name, spec.shape));
    const vocabShape = [config.vocab_size, config.d_model];
    // HF leaves the tied proj_out out of the file; one that is stored (untied model) wins.
    const projOut = source.has(PROJ_OUT)
      ? (tensors.get(PROJ_OUT) ?? (await readTensor(source, PROJ_OUT, vocabShape)))
      : (tensors.get('model.decoder.embed_tokens.weight') as Tensor);
    const weights = groupWeights(tensors, layers, projOut);
    const generation = await readGenerationSettings(dir, config);
    const tokenizer = await loadTokenizer(dir);
    return { config, layers, weights, generation, tokenizer, engine, ...(options.encoderGraph === undefined ? {} : { encoderGraph: options.encoderGraph }),
      ...(options.decoderGraph === undefined ? {} : { decoderGraph: options.decoderGraph }),
    };
  } finally {
    await source.close();
  }
}
