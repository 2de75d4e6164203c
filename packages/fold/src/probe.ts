/**
 * Data-free probes of what a group computes (METHOD.md §3), for groups whose adapter gives a
 * response (groups.ts: the producers read LayerNorm(x), the units pass through an activation, the
 * consumers' outputs get an output bias). No audio is used anywhere: a probe input is
 * gamma * z + beta with z ~ N(0, I), the LayerNorm's weight and bias applied to the standard normal
 * vector that a normalised token is modelled as.
 *
 * - Probe features (`ProbeFeatureExtractor`, name 'probe'): unit i's feature is its activation on P
 *   seeded probe inputs. Units that compute nearly the same function on such inputs are close, and
 *   units whose producer rows and biases are identical have identical features, whatever their
 *   consumers, so they fold first and losslessly. A group without a response falls back to its
 *   producer slices (also a function of the producers alone).
 * - Bias correction (`biasCorrection`): under the same Gaussian model a unit's pre-activation is
 *   N(mu, s^2) with mu = w . beta + b and s^2 = sum_j (w_j gamma_j)^2, so its expected activation has a
 *   closed form (GELU: mu Phi(mu / r) + s^2 / r phi(mu / r), r = sqrt(1 + s^2); ReLU: mu Phi(mu / s) +
 *   s phi(mu / s)). Folding changes the layer's expected output by
 *   sum_c (C_c E[a'_c] - sum_{i in c} c_i E[a_i]) (C_c the folded consumer column, a'_c the folded
 *   unit); the correction subtracts that from the output bias. Exact under the model, no sampling.
 */
import {
  MethodError,
  Random,
  type FeatureExtractor,
  type FoldGroup,
  type GroupResponse,
  type GroupTensors,
  type Matrix,
  type PairCost,
  type Tensor,
  type ThreadOptions,
  type TensorEngine,
  TOKENS,
  runRanges,
  sharedFloat32,
  sharedFloat64,
  sharedInt32,
  sharedThreadPool,
} from '@speechfold/core';
import path from 'node:path';
import { inject, injectable } from 'tsyringe';
import { checkSlices, readUnit, tensorOf, unitWidth } from './slices';
import { erf, geluScalar } from '@speechfold/nn';
import { pairCostAt, preActivations, type PreActivationArgs } from './probe-kernels';

/** Probe inputs per group for the probe features (the feature width). */
export const PROBE_COUNT = 256;
/** Seed of the probe inputs (the same for every group: the features are deterministic). */
export const PROBE_SEED = 0;

const INV_SQRT2 = 1 / Math.sqrt(2);
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

function phi(x: number): number {
  return INV_SQRT_2PI * Math.exp(-0.5 * x * x);
}

function Phi(x: number): number {
  return 0.5 * (1 + erf(x * INV_SQRT2));
}

/** The activation of a response, on one value (GELU: @speechfold/nn's exact GELU). */
export function activate(activation: GroupResponse['activation'], x: number): number {
  return activation === 'relu' ? (x > 0 ? x : 0) : geluScalar(x);
}

/** E[activation(u)] for u ~ N(mu, s^2), in closed form. */
export function expectedActivation(activation: GroupResponse['activation'], mu: number, s: number): number {
  if (activation === 'relu') {
    if (s === 0) return mu > 0 ? mu : 0;
    return mu * Phi(mu / s) + s * phi(mu / s);
  }
  const r = Math.sqrt(1 + s * s);
  return mu * Phi(mu / r) + ((s * s) / r) * phi(mu / r);
}

/** A group's response, checked against its producers: one weight (rows = units) and at most one bias. */
export interface ResponseView {
  response: GroupResponse;
  /** Row i = unit i's producer weights (length `dim`). */
  weight: Tensor;
  bias: Tensor | null;
  gamma: Float32Array;
  beta: Float32Array;
  dim: number;
}

/**
 * The response of a group, or null when the adapter gave none; throws MethodError when it does not
 * fit. `folded`: the tensors hold fewer units than the group (after a merge), so the unit count is not checked.
 */
export function responseOf(group: FoldGroup, tensors: GroupTensors, folded = false): ResponseView | null {
  const response = group.response;
  if (response === undefined) return null;
  if (!folded) checkSlices(group, tensors);
  const fail = (message: string): never => {
    throw new MethodError({ group: group.name }, `its response ${message}`);
  };
  const [w, b, ...rest] = group.producers;
  const weight = tensorOf(group, tensors, w.tensor);
  if (rest.length > 0 || w.axis !== 0 || w.unitSize !== 1 || weight.shape.length !== 2) {
    fail('needs producers [weight rows (axis 0, one row per unit), optional bias]');
  }
  const bias = b === undefined ? null : tensorOf(group, tensors, b.tensor);
  if (bias !== null && (b.axis !== 0 || b.unitSize !== 1 || bias.shape.length !== 1)) fail('needs a rank-1 producer bias');
  const dim = weight.shape[1];
  const gamma = tensorOf(group, tensors, response.norm.weight);
  const beta = tensorOf(group, tensors, response.norm.bias);
  for (const [name, t] of [
    [response.norm.weight, gamma],
    [response.norm.bias, beta],
  ] as const) {
    if (t.shape.length !== 1 || t.shape[0] !== dim) {
      throw new MethodError({ group: group.name, tensor: name }, `expected shape [${dim}] (the producers' input width), got [${t.shape.join(', ')}]`);
    }
  }
  const out = tensorOf(group, tensors, response.outputBias);
  const consumer = group.consumers[0];
  const outDim = consumer === undefined ? -1 : tensorOf(group, tensors, consumer.tensor).shape[0];
  if (out.shape.length !== 1 || out.shape[0] !== outDim || group.consumers.length !== 1 || consumer.axis !== 1) {
    throw new MethodError(
      { group: group.name, tensor: response.outputBias },
      `expected one consumer weight read by columns and an output bias of its ${outDim} rows, got bias shape [${out.shape.join(', ')}]`,
    );
  }
  return { response, weight, bias, gamma: gamma.data, beta: beta.data, dim };
}

/** Unit i's pre-activation mean mu = w . beta + b and std s = |w * gamma| under the Gaussian model. */
function preActivationMoments(view: ResponseView, unit: number): { mu: number; s: number } {
  const { weight, bias, gamma, beta, dim } = view;
  const row = unit * dim;
  let mu = bias === null ? 0 : bias.data[unit];
  let s2 = 0;
  for (let j = 0; j < dim; j++) {
    const w = weight.data[row + j];
    mu += w * beta[j];
    s2 += w * gamma[j] * (w * gamma[j]);
  }
  return { mu, s: Math.sqrt(s2) };
}

/** E[a_i] of one unit under the Gaussian model. */
export function expectedUnitActivation(view: ResponseView, unit: number): number {
  const { mu, s } = preActivationMoments(view, unit);
  return expectedActivation(view.response.activation, mu, s);
}

/**
 * The output bias corrected for a folding: `original` the group's tensors before, `folded` after
 * (K units, cluster c = folded unit c), `members` the clusters. Returns null when no cluster has two
 * or more members (nothing changed, so nothing to correct).
 */
export function correctedOutputBias(
  group: FoldGroup,
  original: GroupTensors,
  folded: GroupTensors,
  members: readonly (readonly number[])[],
): Tensor | null {
  const before = responseOf(group, original);
  if (before === null || !members.some((m) => m.length > 1)) return null;
  const after = responseOf(group, folded, true) as ResponseView;
  const consumer = group.consumers[0];
  const w2 = tensorOf(group, original, consumer.tensor);
  const w2Folded = tensorOf(group, folded, consumer.tensor);
  const outDim = w2.shape[0];
  const shift = new Float64Array(outDim);
  members.forEach((cluster, c) => {
    if (cluster.length < 2) return;
    const merged = expectedUnitActivation(after, c);
    // The folded model's expected contribution minus the original's.
    for (let o = 0; o < outDim; o++) shift[o] += w2Folded.data[o * w2Folded.shape[1] + c] * merged;
    for (const unit of cluster) {
      const mean = expectedUnitActivation(before, unit);
      for (let o = 0; o < outDim; o++) shift[o] -= w2.data[o * w2.shape[1] + unit] * mean;
    }
  });
  const bias = tensorOf(group, original, before.response.outputBias);
  const data = new Float32Array(outDim);
  for (let o = 0; o < outDim; o++) data[o] = bias.data[o] - shift[o];
  return { shape: [outDim], data };
}

/** P seeded probe inputs gamma * z + beta (P x dim, row-major). */
export function probeInputs(view: ResponseView, count: number, seed: number): Float32Array {
  const z = new Random(seed).fillNormal(new Float32Array(count * view.dim));
  for (let p = 0; p < count; p++) {
    for (let j = 0; j < view.dim; j++) z[p * view.dim + j] = view.gamma[j] * z[p * view.dim + j] + view.beta[j];
  }
  return z;
}

/** Each unit's pre-activations and activations on the probe inputs (N x P each, unit-major). */
export interface ProbeResponses {
  count: number;
  pre: Float32Array;
  act: Float32Array;
}

/** Below this many multiply-adds a probe computation runs in the calling thread (threads cost more). */
const PROBE_MIN_THREADED_WORK = 1 << 22;

const KERNELS = path.join(__dirname, 'probe-kernels');

/** The kernel arguments of a group's probe responses (outputs on SharedArrayBuffers when `shared`). */
function responseArgs(group: FoldGroup, view: ResponseView, count: number, seed: number, shared: boolean): PreActivationArgs {
  const { weight, bias, dim } = view;
  const size = group.units * count;
  const float32 = (length: number, from?: Float32Array): Float32Array =>
    shared ? sharedFloat32(length, from) : from ?? new Float32Array(length);
  return {
    weight: float32(weight.data.length, weight.data),
    bias: bias === null ? null : float32(bias.data.length, bias.data),
    probes: float32(count * dim, probeInputs(view, count, seed)),
    dim,
    count,
    relu: view.response.activation === 'relu',
    pre: float32(size),
    act: float32(size),
    from: 0,
    to: group.units,
  };
}

/** The responses of a group's units to P seeded probe inputs (computed in this thread). */
export function probeResponses(group: FoldGroup, view: ResponseView, count = PROBE_COUNT, seed = PROBE_SEED): ProbeResponses {
  const args = responseArgs(group, view, count, seed, false);
  preActivations(args);
  return { count, pre: args.pre, act: args.act };
}

/**
 * probeResponses spread over a thread pool: the same bytes (the arrays are on SharedArrayBuffers).
 * With an engine that has matmulTransposedFloat64 the pre-activations are one float64 product on it
 * (the same float64 sums in another order, rounded to float32 once: the same values) and only the
 * activations run on the pool.
 */
export async function probeResponsesThreaded(
  group: FoldGroup,
  view: ResponseView,
  threads: ThreadOptions,
  count = PROBE_COUNT,
  seed = PROBE_SEED,
  engine?: TensorEngine,
): Promise<ProbeResponses> {
  const units = [0, group.units] as const;
  if (engine?.matmulTransposedFloat64 === undefined) {
    const args = responseArgs(group, view, count, seed, true);
    await runRanges(threads, KERNELS, 'preActivations', units, group.units * count * view.dim, args);
    return { count, pre: args.pre, act: args.act };
  }
  const weight = { data: view.weight.data, rows: group.units, cols: view.dim };
  const product = await engine.matmulTransposedFloat64(weight, { data: probeInputs(view, count, seed), rows: count, cols: view.dim }, view.bias?.data);
  const args = { count, relu: view.response.activation === 'relu', pre: sharedFloat32(product.data.length, product.data), act: sharedFloat32(product.data.length) };
  await runRanges(threads, KERNELS, 'activations', units, group.units * count * ACTIVATION_WORK, args);
  return { count, pre: args.pre, act: args.act };
}

/** Multiply-adds one activation is counted as (erf's table polynomial), for the pool's work threshold. */
const ACTIVATION_WORK = 16;

/**
 * The exact cost of merging two units on the probe inputs: the mean squared change of the layer's
 * output, sum_p |c_a (a_ap - m_p) + c_b (a_bp - m_p)|^2 / P, where m_p is the merged unit's activation
 * (the mean producer row and bias) and c the consumer columns (the merged unit's is c_a + c_b).
 * Zero for units with identical producers, whatever their consumers. With `threads`, `many` spreads
 * a batch of pairs over the pool (the same costs, computed by the same kernel).
 */
export function pairCostOf(
  group: FoldGroup,
  tensors: GroupTensors,
  view: ResponseView,
  responses: ProbeResponses,
  threads?: ThreadOptions,
): PairCost {
  const { count, pre, act } = responses;
  const w2 = tensorOf(group, tensors, group.consumers[0].tensor);
  const [outDim, units] = w2.shape;
  // Consumer columns as rows (unit-major, float32 as stored: their products are exact in float64,
  // so the dot products are those of float64 copies, at half the memory traffic) and squared norms.
  const columns = threads === undefined ? new Float32Array(units * outDim) : sharedFloat32(units * outDim);
  const norm2 = threads === undefined ? new Float64Array(units) : sharedFloat64(units);
  // In tiles, so that both the reads and the writes stay in cache; norm2 sums each column in
  // ascending o, as an untiled loop would.
  const TILE = 64;
  for (let o0 = 0; o0 < outDim; o0 += TILE) {
    const o1 = Math.min(outDim, o0 + TILE);
    for (let i0 = 0; i0 < units; i0 += TILE) {
      const i1 = Math.min(units, i0 + TILE);
      for (let o = o0; o < o1; o++) {
        for (let i = i0; i < i1; i++) {
          const v = w2.data[o * units + i];
          columns[i * outDim + o] = v;
          norm2[i] += v * v;
        }
      }
    }
  }
  const shared = { pre, act, count, columns, norm2, outDim, relu: view.response.activation === 'relu' };
  const cost: PairCost = (a: number, b: number): number => pairCostAt(shared, a, b);
  if (threads !== undefined) {
    cost.many = async (a: Int32Array, b: Int32Array): Promise<Float64Array> => {
      const out = sharedFloat64(a.length);
      const args = { ...shared, a: sharedInt32(a.length, a), b: sharedInt32(b.length, b), cost: out };
      await runRanges(threads, KERNELS, 'pairCosts', [0, a.length], a.length * (count + outDim), args);
      return new Float64Array(out);
    };
  }
  return cost;
}

/** pairCostOf on fresh probe responses; null without a response. */
export function probePairCost(group: FoldGroup, tensors: GroupTensors, count = PROBE_COUNT, seed = PROBE_SEED): PairCost | null {
  const view = responseOf(group, tensors);
  return view === null ? null : pairCostOf(group, tensors, view, probeResponses(group, view, count, seed));
}

/** Each unit's producer slices, concatenated (the fallback features: a function of the producers alone). */
export function producerFeatures(group: FoldGroup, tensors: GroupTensors): Matrix {
  checkSlices(group, tensors);
  const widths = group.producers.map((s) => unitWidth(tensorOf(group, tensors, s.tensor).shape, s));
  const cols = widths.reduce((a, b) => a + b, 0);
  const data = new Float32Array(group.units * cols);
  for (let unit = 0; unit < group.units; unit++) {
    let offset = unit * cols;
    for (const slice of group.producers) offset += readUnit(tensorOf(group, tensors, slice.tensor), slice, unit, data, offset);
  }
  return { data, rows: group.units, cols };
}

/** Throws MethodError naming the unit when a feature is not finite; returns the features. */
export function checkFiniteFeatures(group: FoldGroup, features: Matrix): Matrix {
  for (let i = 0; i < features.data.length; i++) {
    if (!Number.isFinite(features.data[i])) {
      throw new MethodError({ group: group.name }, `expected finite weights: unit ${Math.floor(i / features.cols)} gives ${features.data[i]}`);
    }
  }
  return features;
}

/** The probe features of given responses (producer slices where the group has no response), checked finite. */
function featuresOf(group: FoldGroup, tensors: GroupTensors, responses: ProbeResponses | null): Matrix {
  const features =
    responses === null ? producerFeatures(group, tensors) : { data: responses.act, rows: group.units, cols: responses.count };
  return checkFiniteFeatures(group, features);
}

/** The probe features of a group (producer slices where it has no response); throws on non-finite values. */
export function probeFeatures(group: FoldGroup, tensors: GroupTensors, count = PROBE_COUNT, seed = PROBE_SEED): Matrix {
  const view = responseOf(group, tensors);
  return featuresOf(group, tensors, view === null ? null : probeResponses(group, view, count, seed));
}

/**
 * The FeatureExtractor of the `fold` method ('probe'): probeFeatures, and the probe pair cost for
 * matching, both computed on the process's thread pool (core sharedThreadPool: SPEECHFOLD_THREADS).
 * The pipeline asks for both on the same group tensors: the probe responses are computed once per
 * tensors map.
 */
@injectable()
export class ProbeFeatureExtractor implements FeatureExtractor {
  readonly name = 'probe';
  private readonly computed = new WeakMap<GroupTensors, Promise<{ view: ResponseView; responses: ProbeResponses } | null>>();

  /** The pool the probe loops run on; null: the process's shared pool. */
  threads: ThreadOptions | null = null;

  /** `engine`: where the probe pre-activations are computed when it has matmulTransposedFloat64 (else on the pool). */
  constructor(@inject(TOKENS.TensorEngine, { isOptional: true }) private readonly engine?: TensorEngine) {}

  async features(group: FoldGroup, tensors: GroupTensors): Promise<Matrix> {
    const probe = await this.probe(group, tensors);
    // A copy: the features go to the engine, which takes plain (not shared) arrays.
    return featuresOf(group, tensors, probe === null ? null : { ...probe.responses, act: new Float32Array(probe.responses.act) });
  }

  async pairCost(group: FoldGroup, tensors: GroupTensors): Promise<PairCost | null> {
    const probe = await this.probe(group, tensors);
    return probe === null ? null : pairCostOf(group, tensors, probe.view, probe.responses, this.pool());
  }

  private pool(): ThreadOptions {
    return this.threads ?? { pool: sharedThreadPool(), minWork: PROBE_MIN_THREADED_WORK };
  }

  private probe(group: FoldGroup, tensors: GroupTensors): Promise<{ view: ResponseView; responses: ProbeResponses } | null> {
    let probe = this.computed.get(tensors);
    if (probe === undefined) {
      const view = responseOf(group, tensors);
      probe = view === null ? Promise.resolve(null) : probeResponsesThreaded(group, view, this.pool(), PROBE_COUNT, PROBE_SEED, this.engine).then((responses) => ({ view, responses }));
      this.computed.set(tensors, probe);
    }
    return probe;
  }
}
