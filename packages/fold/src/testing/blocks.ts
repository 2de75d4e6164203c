/**
 * Test helpers: the two blocks speechfold folds, computed in plain JS (fp64 arithmetic on the fp32
 * weights), their fold groups as METHOD.md §1 defines them, and seeded random weights. Tests check
 * the exact properties of merging and pruning on real forward passes with these, not on the tensors
 * alone. Exported for other packages' tests.
 */
import { MethodError, type FoldGroup, type GroupTensors, type Random, type Tensor } from '@speechfold/core';

/** Module paths of an FFN block (HF names: `<fc1>.weight` [F,H], `<fc1>.bias` [F], `<fc2>.weight` [H,F], `<fc2>.bias` [H]). */
export interface FfnNames {
  fc1: string;
  fc2: string;
}

/** Module paths of a self-attention block (`<q>.weight` [h*d,H], `<out>.weight` [H,h*d], biases). */
export interface AttentionNames {
  q: string;
  k: string;
  v: string;
  out: string;
}

/** Whisper-style short names; HuBERT uses intermediate_dense / output_dense. */
export const FFN_NAMES: FfnNames = { fc1: 'fc1', fc2: 'fc2' };
export const ATTENTION_NAMES: AttentionNames = { q: 'q_proj', k: 'k_proj', v: 'v_proj', out: 'out_proj' };

/** Where a test group sits (the defaults are fine for unit tests). */
export interface GroupPlacement {
  name?: string;
  layer?: number;
  stack?: string;
}

/** The ffn fold group: producers fc1 rows + fc1 bias, consumers fc2 columns; fc2.bias never folded. */
export function ffnGroup(units: number, placement: GroupPlacement = {}, names: FfnNames = FFN_NAMES): FoldGroup {
  return {
    name: placement.name ?? 'ffn',
    kind: 'ffn',
    layer: placement.layer ?? 0,
    stack: placement.stack ?? 'encoder',
    units,
    producers: [
      { tensor: `${names.fc1}.weight`, axis: 0, start: 0, unitSize: 1 },
      { tensor: `${names.fc1}.bias`, axis: 0, start: 0, unitSize: 1 },
    ],
    consumers: [{ tensor: `${names.fc2}.weight`, axis: 1, start: 0, unitSize: 1 }],
  };
}

/**
 * The heads fold group: producers the head's rows of q, k, v weights and biases (no k bias when
 * `kBias` is false, as in Whisper), consumers the head's columns of out_proj; out_proj.bias never folded.
 */
export function headsGroup(
  heads: number,
  headDim: number,
  placement: GroupPlacement & { kBias?: boolean } = {},
  names: AttentionNames = ATTENTION_NAMES,
): FoldGroup {
  const rows = (tensor: string) => ({ tensor, axis: 0, start: 0, unitSize: headDim });
  const producers = [rows(`${names.q}.weight`), rows(`${names.q}.bias`), rows(`${names.k}.weight`)];
  if (placement.kBias !== false) producers.push(rows(`${names.k}.bias`));
  producers.push(rows(`${names.v}.weight`), rows(`${names.v}.bias`));
  return {
    name: placement.name ?? 'heads',
    kind: 'heads',
    layer: placement.layer ?? 0,
    stack: placement.stack ?? 'encoder',
    units: heads,
    producers,
    consumers: [{ tensor: `${names.out}.weight`, axis: 1, start: 0, unitSize: headDim }],
  };
}

/** A tensor of the given shape with normal entries of standard deviation `std`. */
export function randomTensor(rng: Random, shape: number[], std = 1): Tensor {
  let n = 1;
  for (const d of shape) n *= d;
  return { shape, data: rng.fillNormal(new Float32Array(n), std) };
}

/** Random FFN weights: hidden H, units F. fc1 is scaled so that gelu works in its curved range. */
export function randomFfnBlock(rng: Random, hidden: number, units: number, names: FfnNames = FFN_NAMES): GroupTensors {
  return new Map([
    [`${names.fc1}.weight`, randomTensor(rng, [units, hidden], 1 / Math.sqrt(hidden))],
    [`${names.fc1}.bias`, randomTensor(rng, [units], 0.5)],
    [`${names.fc2}.weight`, randomTensor(rng, [hidden, units], 1 / Math.sqrt(units))],
    [`${names.fc2}.bias`, randomTensor(rng, [hidden], 0.5)],
  ]);
}

/** Random self-attention weights: hidden H, `heads` heads of size `headDim`; no k bias when kBias is false. */
export function randomAttentionBlock(
  rng: Random,
  hidden: number,
  heads: number,
  headDim: number,
  options: { kBias?: boolean } = {},
  names: AttentionNames = ATTENTION_NAMES,
): GroupTensors {
  const inner = heads * headDim;
  const std = 1 / Math.sqrt(hidden);
  const tensors: GroupTensors = new Map();
  for (const proj of [names.q, names.k, names.v]) {
    tensors.set(`${proj}.weight`, randomTensor(rng, [inner, hidden], std));
    if (proj !== names.k || options.kBias !== false) tensors.set(`${proj}.bias`, randomTensor(rng, [inner], 0.3));
  }
  tensors.set(`${names.out}.weight`, randomTensor(rng, [hidden, inner], 1 / Math.sqrt(inner)));
  tensors.set(`${names.out}.bias`, randomTensor(rng, [hidden], 0.3));
  return tensors;
}

/** `tokens` x `hidden` normal inputs, row-major. */
export function randomInput(rng: Random, tokens: number, hidden: number): Float64Array {
  return Float64Array.from(rng.fillNormal(new Float32Array(tokens * hidden)));
}

function get(tensors: GroupTensors, name: string): Tensor {
  const t = tensors.get(name);
  if (t === undefined) throw new MethodError({ tensor: name }, 'tensor is missing from the block');
  return t;
}

/** x [T, in] times W^T (W [out, in]) plus b (absent: zero), in fp64. */
export function linear(x: Float64Array, weight: Tensor, bias?: Tensor): Float64Array {
  const [outF, inF] = weight.shape;
  const tokens = x.length / inF;
  const y = new Float64Array(tokens * outF);
  for (let t = 0; t < tokens; t++) {
    for (let o = 0; o < outF; o++) {
      let s = bias === undefined ? 0 : bias.data[o];
      for (let i = 0; i < inF; i++) s += x[t * inF + i] * weight.data[o * inF + i];
      y[t * outF + o] = s;
    }
  }
  return y;
}

/** GELU, tanh form (HF 'gelu_new'); any fixed nonlinearity serves, this one needs no erf. */
export function gelu(x: number): number {
  return 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)));
}

/** y = fc2(gelu(fc1(x))) + fc2.bias for x [T, H]; F is read from the weights, so folded blocks run too. */
export function ffnForward(tensors: GroupTensors, x: Float64Array, names: FfnNames = FFN_NAMES): Float64Array {
  const h = linear(x, get(tensors, `${names.fc1}.weight`), get(tensors, `${names.fc1}.bias`));
  for (let i = 0; i < h.length; i++) h[i] = gelu(h[i]);
  return linear(h, get(tensors, `${names.fc2}.weight`), get(tensors, `${names.fc2}.bias`));
}

/**
 * Multi-head self-attention for x [T, H]: per head softmax(Q K^T / sqrt(d)) V, heads concatenated,
 * then out_proj. The head count is q rows / headDim, so folded blocks (fewer heads) run too.
 */
export function attentionForward(
  tensors: GroupTensors,
  x: Float64Array,
  headDim: number,
  names: AttentionNames = ATTENTION_NAMES,
): Float64Array {
  const qWeight = get(tensors, `${names.q}.weight`);
  const inner = qWeight.shape[0];
  const tokens = x.length / qWeight.shape[1];
  const q = linear(x, qWeight, tensors.get(`${names.q}.bias`));
  const k = linear(x, get(tensors, `${names.k}.weight`), tensors.get(`${names.k}.bias`));
  const v = linear(x, get(tensors, `${names.v}.weight`), tensors.get(`${names.v}.bias`));
  const context = new Float64Array(tokens * inner);
  const scores = new Float64Array(tokens);
  const scale = 1 / Math.sqrt(headDim);
  for (let head = 0; head < inner / headDim; head++) {
    const col = head * headDim;
    for (let t = 0; t < tokens; t++) {
      let max = -Infinity;
      for (let s = 0; s < tokens; s++) {
        let dot = 0;
        for (let j = 0; j < headDim; j++) dot += q[t * inner + col + j] * k[s * inner + col + j];
        scores[s] = dot * scale;
        max = Math.max(max, scores[s]);
      }
      let total = 0;
      for (let s = 0; s < tokens; s++) {
        scores[s] = Math.exp(scores[s] - max);
        total += scores[s];
      }
      for (let s = 0; s < tokens; s++) {
        const p = scores[s] / total;
        for (let j = 0; j < headDim; j++) context[t * inner + col + j] += p * v[s * inner + col + j];
      }
    }
  }
  return linear(context, get(tensors, `${names.out}.weight`), tensors.get(`${names.out}.bias`));
}

/** max |a - b| over all entries (Infinity when lengths differ). */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** max |a - b| relative to max |a| (the size of the reference output). */
export function maxRelDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let scale = 0;
  for (let i = 0; i < a.length; i++) scale = Math.max(scale, Math.abs(a[i]));
  return maxAbsDiff(a, b) / (scale === 0 ? 1 : scale);
}
