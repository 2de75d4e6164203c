/**
 * A HuBERT checkpoint loaded for inference: loadHubert reads and checks a model directory, and the
 * HubertModel it returns runs the forward pass of HF's HubertForCTC (eval mode) on a TensorEngine.
 */
import { Matrix, ModelError, OptionError, TensorEngine } from '@speechfold/core';
import { HubertConfig, detectHubertPrefix, hubertLayerWidths, validateHubertConfig, validateHubertModel, type LayerWidths } from '@speechfold/adapter-hubert';
import { linear } from '@speechfold/nn';
import { openCheckpoint } from '@speechfold/safetensors';
import { argmaxRows, ctcDecode } from './ctc';
import { encode } from './encoder';
import { InputLengthError, MissingCtcHeadError } from './errors';
import { extractFeatures, frameCount, projectFeatures } from './feature-encoder';
import { createHubertSession, hubertGraphRunner, runHubertGraph, type HubertGraphMode, type HubertGraphOutputs } from './forward-graph';
import type { GraphSession } from '@speechfold/engine-onnxruntime';
import { checkMaxSeconds, DEFAULT_MAX_SECONDS, InputLengthLimits, InputLengthProblem, inputLengthLimits, inputLengthProblem } from './input-length';
import { readJsonFile } from './json-files';
import { HubertPreprocessor, prepareInput, readPreprocessor } from './preprocess';
import { CtcVocabulary, readVocabulary } from './vocabulary';
import { HubertWeights, readHubertWeights } from './weights';

/** The activation both the conv stack and the FFNs must use: the only one implemented. */
const SUPPORTED_ACTIVATION = 'gelu';

/** Options of loadHubert. */
export interface HubertLoadOptions {
  /**
   * Longest input run, in seconds (default 60, see input-length.ts): a longer one is refused with an
   * InputLengthError instead of exhausting memory (the forward pass holds the whole utterance).
   */
  maxSeconds?: number;
  /**
   * How the forward pass runs on the onnxruntime engine: as one graph built from the weights with
   * fused com.microsoft attention ('fused', the default), as one graph with plain MatMul/Softmax
   * attention ('matmul'), or one engine call per product as on every other engine ('off'). Models
   * over 1.75 GiB of weights always take the per-op path.
   */
  forwardGraph?: HubertGraphMode;
}

/** A loaded HuBERT. Inputs are mono waveforms at `preprocessor.samplingRate` (16 kHz). */
export class HubertModel {
  /** The input lengths this model runs, in samples (see input-length.ts). */
  readonly inputLimits: InputLengthLimits;
  /** The forward graph's session, created on first use when the graph path applies. */
  private graphSession: Promise<GraphSession> | undefined;

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
    maxSeconds: number = DEFAULT_MAX_SECONDS,
    /** See HubertLoadOptions.forwardGraph. */
    readonly forwardGraph: HubertGraphMode = 'fused',
  ) {
    const geometry = weights.convLayers.map((layer) => ({ kernel: layer.weight.shape[2], stride: layer.stride }));
    this.inputLimits = inputLengthLimits(geometry, preprocessor.samplingRate, maxSeconds);
  }

  /** Fewest input samples: the conv stack's receptive field (400 with the stock kernels and strides). */
  get minSamples(): number {
    return this.inputLimits.minSamples;
  }

  /** Most input samples: maxSeconds at the sampling rate (960000 by default). */
  get maxSamples(): number {
    return this.inputLimits.maxSamples;
  }

  /** Why an input of `samples` samples cannot be run ('too-short' / 'too-long' and a message), or undefined. */
  inputLengthProblem(samples: number): InputLengthProblem | undefined {
    return inputLengthProblem(samples, this.inputLimits);
  }

  /** Whether the checkpoint has a CTC head, i.e. can give logits and text. */
  get hasCtcHead(): boolean {
    return this.weights.lmHead !== undefined;
  }

  /** Frames the model makes of this many input samples (320 samples per frame with the stock strides). */
  frameCount(samples: number): number {
    return frameCount(samples, this.weights.convLayers);
  }

  /** Whether the forward pass runs as one onnxruntime graph (see forward-graph.ts). */
  get usesForwardGraph(): boolean {
    return hubertGraphRunner(this.engine, this.weights, this.forwardGraph) !== undefined;
  }

  /** The graph's outputs, or undefined on the per-op path. */
  private async runGraph(inputValues: Float32Array): Promise<HubertGraphOutputs | undefined> {
    if (this.graphSession === undefined) {
      const runner = hubertGraphRunner(this.engine, this.weights, this.forwardGraph);
      if (runner === undefined) return undefined;
      const attention = this.forwardGraph === 'matmul' ? 'matmul' : 'fused';
      const session = createHubertSession(runner, this.weights, { eps: this.config.layer_norm_eps, stableLayerNorm: this.config.do_stable_layer_norm, attention });
      this.graphSession = session;
      // A failed creation is not kept, so the next call reports it again rather than a stale error.
      session.catch(() => {
        if (this.graphSession === session) this.graphSession = undefined;
      });
    }
    return runHubertGraph(await this.graphSession, inputValues);
  }

  /**
   * The encoder's last hidden state [frames, hidden_size] for model input values (HF's `input_values`:
   * already normalised when the preprocessor says so; see `prepareInput`).
   */
  async hiddenStates(inputValues: Float32Array): Promise<Matrix> {
    const problem = this.inputLengthProblem(inputValues.length);
    if (problem !== undefined) throw new InputLengthError(inputValues.length, problem);
    const graph = await this.runGraph(inputValues);
    if (graph !== undefined) return graph.hiddenStates;
    const features = await extractFeatures(this.engine, inputValues, this.weights.convLayers);
    const eps = this.config.layer_norm_eps;
    const projected = await projectFeatures(this.engine, features, this.weights, eps);
    return encode(this.engine, projected, this.weights, this.config.do_stable_layer_norm, eps);
  }

  /** CTC logits [frames, vocab_size] for model input values, as HubertForCTC(input_values).logits[0]. */
  async logits(inputValues: Float32Array): Promise<Matrix> {
    const head = this.weights.lmHead;
    if (head === undefined) throw new MissingCtcHeadError(this.dir);
    const problem = this.inputLengthProblem(inputValues.length);
    if (problem !== undefined) throw new InputLengthError(inputValues.length, problem);
    const graph = await this.runGraph(inputValues);
    if (graph?.logits !== undefined) return graph.logits;
    return linear(this.engine, await this.hiddenStates(inputValues), head.weight, head.bias);
  }

  /** Greedy CTC text of logits [frames, vocab_size]. */
  decode(logits: Matrix): string {
    if (this.vocabulary === null) throw new MissingCtcHeadError(this.dir);
    return ctcDecode(argmaxRows(logits), this.vocabulary);
  }

  /**
   * Text of a raw mono waveform at preprocessor.samplingRate: prepareInput (the feature extractor's
   * normalisation), logits, greedy CTC decoding. An input outside `inputLimits` is an InputLengthError.
   */
  async transcribe(samples: Float32Array): Promise<string> {
    if (this.vocabulary === null) throw new MissingCtcHeadError(this.dir);
    const problem = this.inputLengthProblem(samples.length);
    if (problem !== undefined) throw new InputLengthError(samples.length, problem);
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
 * keeps ownership of it. `options.maxSeconds` sets the longest input (default 60 s; OptionError when
 * not a positive number).
 */
export async function loadHubert(dir: string, engine: TensorEngine, options: HubertLoadOptions = {}): Promise<HubertModel> {
  const maxSeconds = checkMaxSeconds(options.maxSeconds ?? DEFAULT_MAX_SECONDS);
  const forwardGraph = options.forwardGraph ?? 'fused';
  if (!['fused', 'matmul', 'off'].includes(forwardGraph)) throw new OptionError('forwardGraph', `expected 'fused', 'matmul' or 'off', got '${String(forwardGraph)}'`);
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
    return new HubertModel(dir, config, widths, preprocessor, vocabulary, weights, engine, maxSeconds, forwardGraph);
  } finally {
    await source.close();
  }
}
