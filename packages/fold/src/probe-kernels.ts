/**
 * The numeric loops of the probe features and the probe pair cost (probe.ts), as kernels that the
 * thread pool (core threads.ts) runs on a range of units or pairs in any thread. Every value is
 * computed by the same arithmetic in the same order whichever range it falls in, so the result is
 * the same bytes however the work is split.
 */
import { geluScalar } from '@speechfold/nn';

/** Inputs and output of `preActivations` on units [from, to). */
export interface PreActivationArgs {
  /** Producer rows, N x dim. */
  weight: Float32Array;
  /** Producer bias (N) or null. */
  bias: Float32Array | null;
  /** Probe inputs, count x dim. */
  probes: Float32Array;
  dim: number;
  count: number;
  relu: boolean;
  /** Output: pre-activations and activations, N x count each (unit-major). */
  pre: Float32Array;
  act: Float32Array;
  from: number;
  to: number;
}

/** b + sum_j w[row + j] z[x + j] in float64, ascending j. */
function probeDot(w: Float32Array, row: number, b: number, z: Float32Array, x: number, dim: number): number {
  let u = b;
  for (let j = 0; j < dim; j++) u += w[row + j] * z[x + j];
  return u;
}

/**
 * Units [from, to)'s pre-activations b + sum_j w_j z_j on every probe, summed in float64 in ascending
 * j (the products of two float32 are exact in float64), and their activations. Two units by four
 * probes at a time keep eight independent sums in flight instead of one dependent chain; the blocking
 * does not change any sum.
 */
export function preActivations(args: PreActivationArgs): void {
  const { weight: w, bias, probes, dim, count, pre, from, to } = args;
  let i = from;
  for (; i + 1 < to; i += 2) {
    const r0 = i * dim;
    const r1 = r0 + dim;
    const b0 = bias === null ? 0 : bias[i];
    const b1 = bias === null ? 0 : bias[i + 1];
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
  for (; i < to; i++) {
    const b = bias === null ? 0 : bias[i];
    for (let p = 0; p < count; p++) pre[i * count + p] = probeDot(w, i * dim, b, probes, p * dim, dim);
  }
  activations(args);
}

/** Units [from, to)'s activations from their pre-activations (already in `pre`). */
export function activations(args: Pick<PreActivationArgs, 'count' | 'relu' | 'pre' | 'act' | 'from' | 'to'>): void {
  const { count, relu, pre, act, from, to } = args;
  for (let t = from * count; t < to * count; t++) {
    const u = pre[t];
    act[t] = relu ? (u > 0 ? u : 0) : geluScalar(u);
  }
}

/** Inputs and output of `pairCosts` on pairs [from, to). */
export interface PairCostArgs {
  /** Pre-activations and activations on the probes, N x count (unit-major, float32 as stored). */
  pre: Float32Array;
  act: Float32Array;
  count: number;
  /** Consumer columns as rows, N x outDim (float32 as stored), and their squared norms (float64). */
  columns: Float32Array;
  norm2: Float64Array;
  outDim: number;
  relu: boolean;
  /** The pairs (a[i], b[i]) and their costs (output). */
  a: Int32Array;
  b: Int32Array;
  cost: Float64Array;
  from: number;
  to: number;
}

/** The probe cost of merging one pair of units (see pairCostOf in probe.ts). */
export function pairCostAt(args: Omit<PairCostArgs, 'a' | 'b' | 'cost' | 'from' | 'to'>, a: number, b: number): number {
  const { pre, act, count, columns: c, norm2, outDim, relu } = args;
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
    const u = 0.5 * (pre[pa + p] + pre[pb + p]);
    const m = relu ? (u > 0 ? u : 0) : geluScalar(u);
    const da = act[pa + p] - m;
    const db = act[pb + p] - m;
    sa += da * da;
    sb += db * db;
    sab += da * db;
  }
  return (norm2[a] * sa + norm2[b] * sb + 2 * dot * sab) / count;
}

/** The costs of pairs [from, to). */
export function pairCosts(args: PairCostArgs): void {
  const { a, b, cost, from, to } = args;
  for (let i = from; i < to; i++) cost[i] = pairCostAt(args, a[i], b[i]);
}
