import { Random, ThreadPool, type FoldGroup, type GroupTensors, type Matrix, type TensorEngine } from '@speechfold/core';
import { pairCostOf, probeResponses, probeResponsesThreaded, ProbeFeatureExtractor, responseOf } from './probe';
import { ffnGroup, randomFfnBlock, randomTensor } from './testing/blocks';

const HIDDEN = 9;
// Odd counts exercise the blocked loops' tails (two units by four probes at a time).
const UNITS = 23;
const PROBES = 13;

function block(seed: number, activation: 'gelu' | 'relu'): { group: FoldGroup; tensors: GroupTensors } {
  const rng = new Random(seed);
  const group: FoldGroup = {
    ...ffnGroup(UNITS),
    response: { norm: { weight: 'ln.weight', bias: 'ln.bias' }, activation, outputBias: 'fc2.bias' },
  };
  const tensors = randomFfnBlock(rng, HIDDEN, UNITS);
  tensors.set('ln.weight', randomTensor(rng, [HIDDEN], 1));
  tensors.set('ln.bias', randomTensor(rng, [HIDDEN], 0.3));
  return { group, tensors };
}

/** Every pair (a < b) of UNITS units. */
function allPairs(): { a: Int32Array; b: Int32Array } {
  const a: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < UNITS; i++) for (let j = i + 1; j < UNITS; j++) a.push(i), b.push(j);
  return { a: Int32Array.from(a), b: Int32Array.from(b) };
}

describe('probe loops on worker threads', () => {
  const pool = new ThreadPool(3);
  afterAll(() => pool.close());

  it.each(['gelu', 'relu'] as const)('give the same bytes as in this thread (%s): responses and pair costs', async (activation) => {
    const { group, tensors } = block(7, activation);
    const view = responseOf(group, tensors)!;
    const here = probeResponses(group, view, PROBES, 3);
    // minWork 0: split over the three threads however small the work.
    const threads = { pool, minWork: 0 };
    const there = await probeResponsesThreaded(group, view, threads, PROBES, 3);
    expect(Buffer.from(there.pre.buffer).equals(Buffer.from(here.pre.buffer))).toBe(true);
    expect(Buffer.from(there.act.buffer).equals(Buffer.from(here.act.buffer))).toBe(true);
    expect(there.act.some((v, i) => v !== here.pre[i])).toBe(activation === 'gelu' || here.pre.some((u) => u < 0));

    const { a, b } = allPairs();
    const single = pairCostOf(group, tensors, view, here);
    const threaded = pairCostOf(group, tensors, view, there, threads);
    expect(single.many).toBeUndefined();
    const costs = await threaded.many!(a, b);
    expect(Array.from(costs)).toEqual(Array.from(a, (u, i) => single(u, b[i])));
    expect(costs.every((c) => Number.isFinite(c) && c >= 0)).toBe(true);
    expect(new Set(costs).size).toBeGreaterThan(costs.length / 2);
  });

  it('the fold extractor gives the same features and costs on one thread and on three', async () => {
    const { group, tensors } = block(8, 'gelu');
    const one = new ProbeFeatureExtractor();
    one.threads = { pool: new ThreadPool(1) };
    const three = new ProbeFeatureExtractor();
    three.threads = { pool, minWork: 0 };
    const f1 = await one.features(group, tensors);
    const f3 = await three.features(group, tensors);
    expect(Buffer.from(f3.data.buffer).equals(Buffer.from(f1.data.buffer))).toBe(true);
    // The features are plain arrays (the engine does not take shared ones).
    expect(f3.data.buffer).toBeInstanceOf(ArrayBuffer);
    const { a, b } = allPairs();
    const c1 = (await one.pairCost(group, tensors))!;
    const c3 = (await three.pairCost(group, tensors))!;
    expect(Array.from(await c3.many!(a, b))).toEqual(Array.from(await c1.many!(a, b)));
  });

  it('with an engine that has matmulTransposedFloat64, the pre-activations come from it and every byte stays the same', async () => {
    const { group, tensors } = block(9, 'gelu');
    let calls = 0;
    // Float64 sums in descending order: another order than the pool's kernel, the same float32 values.
    const engine = {
      name: 'float64-test',
      async matmulTransposedFloat64(x: Matrix, y: Matrix, rowBias?: Float32Array): Promise<Matrix> {
        calls++;
        const data = new Float32Array(x.rows * y.rows);
        for (let i = 0; i < x.rows; i++) {
          for (let p = 0; p < y.rows; p++) {
            let sum = 0;
            for (let j = x.cols - 1; j >= 0; j--) sum += x.data[i * x.cols + j] * y.data[p * y.cols + j];
            data[i * y.rows + p] = sum + (rowBias?.[i] ?? 0);
          }
        }
        return { data, rows: x.rows, cols: y.rows };
      },
    } as unknown as TensorEngine;
    const plain = new ProbeFeatureExtractor();
    plain.threads = { pool, minWork: 0 };
    const onEngine = new ProbeFeatureExtractor(engine);
    onEngine.threads = { pool, minWork: 0 };
    const f0 = await plain.features(group, tensors);
    const f1 = await onEngine.features(group, tensors);
    expect(calls).toBe(1);
    expect(Buffer.from(f1.data.buffer).equals(Buffer.from(f0.data.buffer))).toBe(true);
    const { a, b } = allPairs();
    const c0 = (await plain.pairCost(group, tensors))!;
    const c1 = (await onEngine.pairCost(group, tensors))!;
    expect(Array.from(await c1.many!(a, b))).toEqual(Array.from(await c0.many!(a, b)));
    // The responses are computed once per tensors map, for the features and the pair cost alike.
    expect(calls).toBe(1);
  });
});
