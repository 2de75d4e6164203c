import {
  ModelError,
  Pipeline,
  Random,
  TOKENS,
  type Clusterer,
  type ClusterOptions,
  type ClusterResult,
  type FoldGroup,
  type Matrix,
  type ModelAdapter,
  type ModelDescription,
  type Tensor,
} from '@speechfold/core';
import { MemorySink, MemorySource, type MemoryTensor } from '@speechfold/core/testing';
import { createOnnxruntimeEngine } from '@speechfold/engine-onnxruntime';
import { ffnForward, ffnGroup, maxRelDiff, randomFfnBlock, randomInput } from '@speechfold/fold/testing';
import { createCompressionContainer } from './container';

const HIDDEN = 8;

/** A one-block model: an FFN with `fc1`/`fc2`, described by the adapter below. */
class BlockAdapter implements ModelAdapter {
  readonly id = 'block';
  constructor(private readonly units: number) {}
  matches(config: Record<string, unknown>): boolean {
    return config.model_type === 'block';
  }
  validate(): void {}
  groups(_model: ModelDescription, kinds: readonly string[]): FoldGroup[] {
    return kinds.includes('ffn') ? [ffnGroup(this.units, { name: 'block.ffn' })] : [];
  }
  rewriteConfig(model: ModelDescription): Record<string, unknown> {
    return model.config;
  }
}

/**
 * An FFN whose 12 units are 4 distinct units repeated 3 times (fc1 row, bias and fc2 column equal),
 * so k-means finds them exactly; the fold must then sum the 3 fc2 columns to keep the output.
 */
function duplicatedBlock(): Map<string, Tensor> {
  const base = randomFfnBlock(new Random(1), HIDDEN, 4);
  const w1 = base.get('fc1.weight')!;
  const b1 = base.get('fc1.bias')!;
  const w2 = base.get('fc2.weight')!;
  const units = 12;
  const nw1 = new Float32Array(units * HIDDEN);
  const nb1 = new Float32Array(units);
  const nw2 = new Float32Array(HIDDEN * units);
  for (let u = 0; u < units; u++) {
    const src = u % 4;
    nw1.set(w1.data.subarray(src * HIDDEN, (src + 1) * HIDDEN), u * HIDDEN);
    nb1[u] = b1.data[src];
    for (let r = 0; r < HIDDEN; r++) nw2[r * units + u] = w2.data[r * 4 + src];
  }
  return new Map([
    ['fc1.weight', { shape: [units, HIDDEN], data: nw1 }],
    ['fc1.bias', { shape: [units], data: nb1 }],
    ['fc2.weight', { shape: [HIDDEN, units], data: nw2 }],
    ['fc2.bias', base.get('fc2.bias')!],
  ]);
}

function asSource(tensors: Map<string, Tensor>): { source: MemorySource; model: ModelDescription } {
  const stored = new Map<string, MemoryTensor>();
  for (const [name, t] of tensors) stored.set(name, { dtype: 'F32', shape: t.shape, data: t.data });
  const source = new MemorySource(stored);
  return { source, model: { config: { model_type: 'block' }, tensors: source.list() } };
}

function committedTensors(sink: MemorySink): Map<string, Tensor> {
  return new Map([...sink.committed].map(([name, t]) => [name, { shape: t.shape, data: t.data }]));
}

describe('createCompressionContainer', () => {
  it('folds duplicated units to the distinct ones through the real pipeline, output unchanged', async () => {
    const engine = await createOnnxruntimeEngine();
    const tensors = duplicatedBlock();
    const { source, model } = asSource(tensors);
    const c = createCompressionContainer({ engine, adapters: [new BlockAdapter(12)], spec: { method: 'kmeans', sparsity: 2 / 3 } });
    const sink = new MemorySink();
    const result = await c.resolve(Pipeline).run(model, source, sink);
    await sink.commit();
    expect(result.groups[0]).toMatchObject({ n: 12, k: 4 });
    expect(result.groups[0].inertia).toBeLessThan(1e-6);
    const folded = committedTensors(sink);
    expect(folded.get('fc1.weight')!.shape).toEqual([4, HIDDEN]);
    const x = randomInput(new Random(3), 5, HIDDEN);
    expect(maxRelDiff(ffnForward(folded, x), ffnForward(tensors, x))).toBeLessThan(1e-5);
    await engine.dispose();
  });

  it('lets a custom Clusterer replace k-means by registering it on the container', async () => {
    const engine = await createOnnxruntimeEngine();
    const calls: number[] = [];
    class FirstKClusterer implements Clusterer {
      readonly name = 'first-k';
      async cluster(features: Matrix, k: number, _options: ClusterOptions): Promise<ClusterResult> {
        calls.push(k);
        const labels = Int32Array.from({ length: features.rows }, (_, i) => Math.min(i, k - 1));
        return { labels, centroids: { data: new Float32Array(0), rows: 0, cols: 0 }, inertia: -1, iterations: 0 };
      }
    }
    const c = createCompressionContainer({ engine, adapters: [new BlockAdapter(12)], spec: { sparsity: 0.5 } });
    c.register(TOKENS.Clusterer, { useClass: FirstKClusterer });
    const { source, model } = asSource(duplicatedBlock());
    const result = await c.resolve(Pipeline).run(model, source, new MemorySink());
    expect(calls).toEqual([6]);
    expect(result.groups[0].inertia).toBe(-1);
    await engine.dispose();
  });

  it('names the supported adapters when none matches', async () => {
    const engine = await createOnnxruntimeEngine();
    const c = createCompressionContainer({ engine, adapters: [new BlockAdapter(12)] });
    const { source } = asSource(duplicatedBlock());
    await expect(
      c.resolve(Pipeline).run({ config: { model_type: 'bert' }, tensors: source.list() }, source, new MemorySink()),
    ).rejects.toBeInstanceOf(ModelError);
    await engine.dispose();
  });

  it("writes the dense export at the original shapes, computing the folded model's function (one spec, no separate flag)", async () => {
    const engine = await createOnnxruntimeEngine();
    const tensors = randomFfnBlock(new Random(4), HIDDEN, 12);
    const { source, model } = asSource(tensors);
    const run = async (exportName: string) => {
      const c = createCompressionContainer({ engine, adapters: [new BlockAdapter(12)], spec: { method: 'kmeans', sparsity: 0.5, export: exportName } });
      const sink = new MemorySink();
      const result = await c.resolve(Pipeline).run(model, source, sink);
      await sink.commit();
      return { result, out: committedTensors(sink) };
    };
    const dense = await run('dense');
    const folded = await run('extended');
    expect([dense.result.exportMode, dense.result.shapesKept, dense.result.kept.get('block.ffn')]).toEqual(['dense', true, 12]);
    expect(dense.out.get('fc1.weight')!.shape).toEqual([12, HIDDEN]);
    expect(folded.out.get('fc1.weight')!.shape).toEqual([6, HIDDEN]);
    const x = randomInput(new Random(5), 5, HIDDEN);
    expect(maxRelDiff(ffnForward(dense.out, x), ffnForward(folded.out, x))).toBeLessThan(1e-5);
    // Pruning through the dense export zeroes the removed units instead.
    const c = createCompressionContainer({ engine, adapters: [new BlockAdapter(12)], spec: { method: 'magnitude', sparsity: 0.5, export: 'dense' } });
    const sink = new MemorySink();
    await c.resolve(Pipeline).run(model, source, sink);
    await sink.commit();
    const w1 = committedTensors(sink).get('fc1.weight')!;
    expect(w1.shape).toEqual([12, HIDDEN]);
    expect(Array.from({ length: 12 }, (_, u) => w1.data.subarray(u * HIDDEN, (u + 1) * HIDDEN).every((v) => v === 0)).filter(Boolean)).toHaveLength(6);
    await engine.dispose();
  });
});
