/**
 * A HuBERT checkpoint loaded for inference: loadHubert reads and checks a model directory, and the
 * HubertModel it returns runs the forward pass of HF's HubertForCTC (eval mode) on a TensorEngine.
 */
import { Matrix, ModelError, TensorEngine } from '@speechfold/core';
import { HubertConfig, detectHubertPrefix, hubertLayerWidths, validateHubertConfig, validateHubertModel, type LayerWidths } from '@speechfold/adapter-hubert';
import { linear } from '@speechfold/nn';
import { openCheckpoint } from '@speechfold/safetensors';
import { argmaxRows, ctcDecode } from './ctc';
import { encode } from './encoder';
import { MissingCtcHeadError } from './errors';
import { extractFeatures, frameCount, projectFeatures } from './feature-encoder';
import { readJsonFile } from './json-files';
import { HubertPreprocessor, prepareInput, readPreprocessor } from './preprocess';
import { CtcVocabulary, readVocabulary } from './vocabulary';
import { HubertWeights, readHubertWeights } from './weights';

/** The activation both the conv stack and the FFNs must use: the only one implemented. */
const SUPPORTED_ACTIVATION = 'gelu';

/** A loaded HuBERT. Inputs are mono waveforms at `preprocessor.samplingRate` (16 kHz). */
export class HubertModel {
  constructor(
    /** The directory it was loaded from. */
    readonly dir: string,
    /** config.json, validated (stock fields; per-layer widths are in `layerWidths`). */
    readonly config: HubertConfig,
    /** Each encoder layer's heads and FFN width (from the `speechfold` key of an extended export, else stock). */
    readonly layerWidths: readonly LayerWidths[],
    /** preprocessor_config.json (defaults when absent). */
    readonly preprocessor: HubertPreprocessor,
    /** The CTC vocabulary; null for a HubertModel checkpoint (no head, no text). */
    readonly vocabulary: CtcVocabulary | null,
    private readonly weights: HubertWeights,
    private readonly engine: TensorEngine,
  ) {}

  /** Whether the checkpoint has a CTC head, i.e. can give logits and text. */
  get hasCtcHead(): boolean {
    return this.weights.lmHead !== undefined;
  }

  /** Frames the model makes of this many input samples (320 samples per frame with the stock strides). */
  frameCount(samples: number): number {
    return frameCount(samples, this.weights.convLayers);
  }

  /**
   * The encoder's last hidden state [frames, hidden_size] for model input values (HF's `input_values`:
   * already normalised when the preprocessor says so; see `prepareInput`).
   */
  async hiddenStates(inputValues: Float32Array): Promise<Matrix> {
    const features = await extractFeatures(this.engine, inputValues, this.weights.convLayers);
    const eps = this.config.layer_norm_eps;
    const projected = await projectFeatures(this.engine, features, this.weights, eps);
    return encode(this.engine, projected, this.weights, this.config.do_stable_layer_norm, eps);
  }

  /** CTC logits [frames, vocab_size] for model input values, as HubertForCTC(input_values).logits[0]. */
  async logits(inputValues: Float32Array): Promise<Matrix> {
    const head = this.weights.lmHead;
    if (head === undefined) throw new MissingCtcHeadError(this.dir);
    return linear(this.engine, await this.hiddenStates(inputValues), head.weight, head.bias);
  }

  /** Greedy CTC text of logits [frames, vocab_size]. */
  decode(logits: Matrix): string {
    if (this.vocabulary === null) throw new MissingCtcHeadError(this.dir);
    return ctcDecode(argmaxRows(logits), this.vocabulary);
  }

  /**
   * Text of a raw mono waveform at preprocessor.samplingRate: prepareInput (the feature extractor's
   * normalisation), logits, greedy CTC decoding.
   */
  async transcribe(samples: Float32Array): Promise<string> {
    if (this.vocabulary === null) throw new MissingCtcHeadError(this.dir);
    return this.decode(await this.logits(prepareInput(samples, this.preprocessor)));
  }
}

/** Refuses activations other than GELU, naming the field. */
function checkActivations(config: HubertConfig): void {
  for (const field of ['feat_extract_activation', 'hidden_act'] as const) {
    if (config[field] !== SUPPORTED_ACTIVATION) {
      throw new ModelError({ file: 'config.json' }, `field '${field}': only '${SUPPORTED_ACTIVATION}' is implemented, got '${config[field]}'`);
    }
  }
}

/**
 * Loads a HubertForCTC (or HubertModel) checkpoint directory: config.json (stock or an extended
 * export's per-layer widths), the safetensors weights as fp32 (any stored dtype), vocab.json and the
 * tokenizer files, preprocessor_config.json. Config and tensors are checked against each other first
 * (ModelError naming the field or tensor). The engine runs the large matrix products; the caller
 * keeps ownership of it.
 */
export async function loadHubert(dir: string, engine: TensorEngine): Promise<HubertModel> {
  const rawConfig = await readJsonFile(dir, 'config.json');
  const config = validateHubertConfig(rawConfig, 'config.json');
  const widths = hubertLayerWidths(rawConfig, 'config.json');
  checkActivations(config);
  const source = await openCheckpoint(dir);
  try {
    const tensors = source.list();
    validateHubertModel({ config: rawConfig as Record<string, unknown>, tensors });
    const prefix = detectHubertPrefix(tensors);
    const ctcHead = source.has('lm_head.weight');
    const weights = await readHubertWeights(source, config, widths, prefix, ctcHead);
    let vocabulary: CtcVocabulary | null = null;
    if (ctcHead) {
      const vocabJson = await readJsonFile(dir, 'vocab.json');
      const tokenizerConfig = await readJsonFile(dir, 'tokenizer_config.json', true);
      const specialTokens = await readJsonFile(dir, 'special_tokens_map.json', true);
      vocabulary = readVocabulary(vocabJson, config.pad_token_id, config.vocab_size, tokenizerConfig, specialTokens);
    }
    const preprocessor = readPreprocessor(await readJsonFile(dir, 'preprocessor_config.json', true));
    return new HubertModel(dir, config, widths, preprocessor, vocabulary, weights, engine);
  } finally {
    await source.close();
  }
}
