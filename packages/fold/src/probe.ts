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
} from '@speechfold/core';
import { injectable } from 'tsyringe';
import { checkSlices, readUnit, tensorOf, unitWidth } from './slices';
import { erf, geluScalar } from '@speechfold/nn';

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

/** b + sum_j w[row + j] z[x + j] in float64, ascending j. */
function probeDot(w: Float32Array, row: number, b: number, z: Float32Array, x: number, dim: number): number {
  let u = b;
  for (let j = 0; j < dim; j++) u += w[row + j] * z[x + j];
  return u;
}

/** The responses of a group's units to P seeded probe inputs. */
export function probeResponses(group: FoldGroup, view: ResponseView, count = PROBE_COUNT, seed = PROBE_SEED): ProbeResponses {
  const probes = probeInputs(view, count, seed);
  const { weight, bias, dim } = view;
  const pre = new Float32Array(group.units * count);
  const w = weight.data;
  const units = group.units;
  // Each pre-activation is b + sum_j w_j z_j, summed in float64 in ascending j (the products of two
  // float32 are exact in float64), so the result does not depend on the blocking below. Two units by
  // four probes at a time keep eight independent sums in flight instead of one dependent chain.
  let i = 0;
  for (; i + 1 < units; i += 2) {
    const r0 = i * dim;
    const r1 = r0 + dim;
    const b0 = bias === null ? 0 : bias.data[i];
    const b1 = bias === null ? 0 : bias.data[i + 1];
    let p = 0;
    for (; p + 3 < count; p += 4) {
      const x0 = p * dim;
      const x1 = x0 + dim;
      const x2 = x1 + dim;
      const x3 = x2 + dim;
      let u00 = b0;
      let u01 = b0;
      let u02 = b0;
      let u03 = b0;
      let u10 = b1;
      let u11 = b1;
      let u12 = b1;
      let u13 = b1;
      for (let j = 0; j < dim; j++) {
        const w0 = w[r0 + j];
        const w1 = w[r1 + j];
        const z0 = probes[x0 + j];
        const z1 = probes[x1 + j];
        const z2 = probes[x2 + j];
        const z3 = probes[x3 + j];
        u00 += w0 * z0;
        u01 += w0 * z1;
        u02 += w0 * z2;
        u03 += w0 * z3;
        u10 += w1 * z0;
        u11 += w1 * z1;
        u12 += w1 * z2;
        u13 += w1 * z3;
      }
      const o0 = i * count + p;
      const o1 = o0 + count;
      pre[o0] = u00;
      pre[o0 + 1] = u01;
      pre[o0 + 2] = u02;
      pre[o0 + 3] = u03;
      pre[o1] = u10;
      pre[o1 + 1] = u11;
      pre[o1 + 2] = u12;
      pre[o1 + 3] = u13;
    }
    for (; p < count; p++) {
      pre[i * count + p] = probeDot(w, r0, b0, probes, p * dim, dim);
      pre[(i + 1) * count + p] = probeDot(w, r1, b1, probes, p * dim, dim);
    }
  }
  for (; i < units; i++) {
    const b = bias === null ? 0 : bias.data[i];
    for (let p = 0; p < count; p++) pre[i * count + p] = probeDot(w, i * dim, b, probes, p * dim, dim);
  }
  const act = Float32Array.from(pre, (u) => activate(view.response.activation, u));
  return { count, pre, act };
}

/**
 * The exact cost of merging two units on the probe inputs: the mean squared change of the layer's
 * output, sum_p |c_a (a_ap - m_p) + c_b (a_bp - m_p)|^2 / P, where m_p is the merged unit's activation
 * (the mean producer row and bias) and c the consumer columns (the merged unit's is c_a + c_b).
 * Zero for units with identical producers, whatever their consumers.
 */
export function pairCostOf(group: FoldGroup, tensors: GroupTensors, view: ResponseView, responses: ProbeResponses): PairCost {
  const { count, pre, act } = responses;
  const w2 = tensorOf(group, tensors, group.consumers[0].tensor);
  const [outDim, units] = w2.shape;
  // Consumer columns as rows (unit-major) and their squared norms.
  const c = new Float64Array(units * outDim);
  const norm2 = new Float64Array(units);
  for (let o = 0; o < outDim; o++) {
    for (let i = 0; i < units; i++) {
      const v = w2.data[o * units + i];
      c[i * outDim + o] = v;
      norm2[i] += v * v;
    }
  }
  const relu = view.response.activation === 'relu';
  return (a: number, b: number): number => {
    let dot = 0;
    const ca = a * outDim;
    const cb = b * outDim;
    for (let o = 0; o < outDim; o++) dot += c[ca + o] * c[cb + o];
    let sa = 0;
    let sb = 0;
    let sab = 0;
    const pa = a * count;
    const pb = b * count;
    for (let p = 0; p < count; p++) {
      // activate(), with the activation chosen once per pair rather than per probe.
      const u = 0.5 * (pre[pa + p] + pre[pb + p]);
      const m = relu ? (u > 0 ? u : 0) : geluScalar(u);
      const da = act[pa + p] - m;
      const db = act[pb + p] - m;
      sa += da * da;
      sb += db * db;
      sab += da * db;
    }
    return (norm2[a] * sa + norm2[b] * sb + 2 * dot * sab) / count;
  };
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
 * matching. The pipeline asks for both on the same group tensors: the probe responses are computed
 * once per tensors map.
 */
@injectable()
export class ProbeFeatureExtractor implements FeatureExtractor {
  readonly name = 'probe';
  private readonly computed = new WeakMap<GroupTensors, { view: ResponseView; responses: ProbeResponses } | null>();

  features(group: FoldGroup, tensors: GroupTensors): Matrix {
    return featuresOf(group, tensors, this.probe(group, tensors)?.responses ?? null);
  }

  pairCost(group: FoldGroup, tensors: GroupTensors): PairCost | null {
    const probe = this.probe(group, tensors);
    return probe === null ? null : pairCostOf(group, tensors, probe.view, probe.responses);
  }

  private probe(group: FoldGroup, tensors: GroupTensors): { view: ResponseView; responses: ProbeResponses } | null {
    if (!this.computed.has(tensors)) {
      const view = responseOf(group, tensors);
      this.computed.set(tensors, view === null ? null : { view, responses: probeResponses(group, view) });
    }
    return this.computed.get(tensors) ?? null;
  }
}
