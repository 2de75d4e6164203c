import { createContainer, provide } from './container';
import { ModelError, OptionError } from './errors';
import type { FoldGroup } from './groups';
import type {
  Clusterer,
  ClusterOptions,
  ClusterResult,
  FeatureExtractor,
  GroupTensors,
  Merger,
  ModelAdapter,
  ModelDescription,
  PairCost,
  PruneResult,
  Pruner,
  SparsityPolicy,
} from './method';
import { hfExport, type ExportFormat } from './export-format';
import { groupsAhead, Pipeline, type RunOptions } from './pipeline';
import type { ProgressEvent } from './progress';
import { MemorySink, MemorySource, type MemoryTensor } from './testing/memory';
import { TOKENS } from './tokens';
import type { Matrix } from './engine';

const H = 4;
const F = 6;

/** A two-layer FFN-only model: the adapter below knows its names. */
function toyModel(): { model: ModelDescription; source: MemorySource } {
  const tensors = new Map<string, MemoryTensor>();
  let v = 0;
  const t = (shape: number[]): MemoryTensor => ({
    dtype: 'F32',
    shape,
    data: Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => (v += 1)),
  });
  tensors.set('embed.weight', t([10, H]));
  for (const l of [0, 1]) {
    tensors.set(`layers.${l}.fc1.weight`, t([F, H]));
    tensors.set(`layers.${l}.fc1.bias`, t([F]));
    tensors.set(`layers.${l}.fc2.weight`, t([H, F]));
    tensors.set(`layers.${l}.fc2.bias`, t([H]));
  }
  const source = new MemorySource(tensors);
  return { model: { config: { model_type: 'toy', layers: 2 }, tensors: source.list() }, source };
}

class ToyAdapter implements ModelAdapter {
  readonly id = 'toy';
  matches(config: Record<string, unknown>): boolean {
    return config.model_type === 'toy';
  }
  /** Checks the one config field it knows: ffn_dim, when present, is every fc1's row count. */
  validate(model: ModelDescription): void {
    const dim = model.config.ffn_dim;
    if (dim === undefined) return;
    for (const t of model.tensors.filter((t) => t.name.endsWith('fc1.weight'))) {
      if (t.shape[0] !== dim) throw new ModelError({ tensor: t.name }, `has ${t.shape[0]} rows, config.json says ffn_dim ${String(dim)}`);
    }
  }
  groups(_model: ModelDescription, kinds: readonly string[]): FoldGroup[] {
    if (!kinds.includes('ffn')) return [];
    return [0, 1].map((l) => ({
      name: `layers.${l}.ffn`,
      kind: 'ffn',
      stack: 'layers',
      layer: l,
      units: F,
      producers: [
        { tensor: `layers.${l}.fc1.weight`, axis: 0, start: 0, unitSize: 1 },
        { tensor: `layers.${l}.fc1.bias`, axis: 0, start: 0, unitSize: 1 },
      ],
      consumers: [{ tensor: `layers.${l}.fc2.weight`, axis: 1, start: 0, unitSize: 1 }],
    }));
  }
  rewriteConfig(model: ModelDescription, kept: Map<string, number>): Record<string, unknown> {
    return { ...model.config, ffn_dim: kept.get('layers.0.ffn') };
  }
}

/** A custom clusterer: unit i goes to cluster i mod k, and every call is recorded. */
class ModuloClusterer implements Clusterer {
  readonly name = 'modulo';
  readonly calls: { rows: number; k: number; options: ClusterOptions }[] = [];
  async cluster(features: Matrix, k: number, options: ClusterOptions): Promise<ClusterResult> {
    this.calls.push({ rows: features.rows, k, options });
    const labels = Int32Array.from({ length: features.rows }, (_, i) => i % k);
    return { labels, centroids: { data: new Float32Array(k * features.cols), rows: k, cols: features.cols }, inertia: 42, iterations: 0 };
  }
}

/** Features = fc1 rows (enough for the composition test). */
class RowFeatures implements FeatureExtractor {
  features(group: FoldGroup, tensors: GroupTensors): Matrix {
    const w = tensors.get(group.producers[0].tensor)!;
    return { data: w.data, rows: w.shape[0], cols: w.shape[1] };
  }
}

/** RowFeatures with a pair cost (the squared distance of the units' features). */
class PairCostFeatures extends RowFeatures {
  pairCost(group: FoldGroup, tensors: GroupTensors): PairCost {
    const f = this.features(group, tensors);
    return (a, b) => {
      let sum = 0;
      for (let j = 0; j < f.cols; j++) sum += (f.data[a * f.cols + j] - f.data[b * f.cols + j]) ** 2;
      return sum;
    };
  }
}

/** FFN-only merge: fc1 rows and bias by cluster mean, fc2 columns by cluster sum. */
class FfnMerger implements Merger {
  readonly name = 'ffn-merge';
  merge(group: FoldGroup, tensors: GroupTensors, labels: Int32Array, k: number): GroupTensors {
    const [w1n, b1n] = group.producers.map((p) => p.tensor);
    const w2n = group.consumers[0].tensor;
    const w1 = tensors.get(w1n)!;
    const b1 = tensors.get(b1n)!;
    const w2 = tensors.get(w2n)!;
    const count = new Float32Array(k);
    labels.forEach((c) => (count[c] += 1));
    const nw1 = new Float32Array(k * H);
    const nb1 = new Float32Array(k);
    const nw2 = new Float32Array(H * k);
    labels.forEach((c, i) => {
      for (let j = 0; j < H; j++) nw1[c * H + j] += w1.data[i * H + j] / count[c];
      nb1[c] += b1.data[i] / count[c];
      for (let r = 0; r < H; r++) nw2[r * k + c] += w2.data[r * F + i];
    });
    return new Map([
      [w1n, { shape: [k, H], data: nw1 }],
      [b1n, { shape: [k], data: nb1 }],
      [w2n, { shape: [H, k], data: nw2 }],
    ]);
  }
}

class KeepFirstPruner implements Pruner {
  readonly name = 'keep-first';
  readonly structured = true;
  prune(group: FoldGroup, tensors: GroupTensors, k: number): PruneResult {
    const labels = Int32Array.from({ length: group.units }, (_, i) => Math.min(i, k - 1));
    return { tensors: new FfnMerger().merge(group, tensors, labels, k), assignment: labels };
  }
}

/** An export format that writes the compact tensors but a config of the original widths: a bug. */
const lyingFormat: ExportFormat = {
  name: 'lying',
  description: 'test double',
  keepsShapes: false,
  stockLoadable: false,
  resolve() {
    return this;
  },
  config(_adapter, model) {
    return { ...model.config, ffn_dim: F };
  },
};

class UniformPolicy implements SparsityPolicy {
  readonly name = 'uniform-test';
  readonly needsCost = false;
  async allocate(groups: { group: FoldGroup }[], sparsity: number) {
    return groups.map(({ group }) => ({ group: group.name, n: group.units, k: Math.round((1 - sparsity) * group.units) }));
  }
}

const FOLD: RunOptions = { method: 'fold', sparsity: 0.5, kinds: ['ffn'], seed: 0 };

function assemble(
  clusterer: Clusterer = new ModuloClusterer(),
  options: RunOptions = FOLD,
  format?: ExportFormat,
  features: new () => FeatureExtractor = RowFeatures,
) {
  const events: ProgressEvent[] = [];
  const c = createContainer();
  provide<RunOptions>(c, TOKENS.RunOptions, options);
  if (format) provide<ExportFormat>(c, TOKENS.ExportFormat, format);
  c.register(TOKENS.ModelAdapter, { useClass: ToyAdapter });
  provide<Clusterer>(c, TOKENS.Clusterer, clusterer);
  c.register(TOKENS.FeatureExtractor, { useClass: features });
  c.register(TOKENS.Merger, { useClass: FfnMerger });
  c.register(TOKENS.Pruner, { useClass: KeepFirstPruner });
  c.register(TOKENS.SparsityPolicy, { useClass: UniformPolicy });
  provide(c, TOKENS.ProgressListener, (e: ProgressEvent) => void events.push(e));
  return { pipeline: c.resolve(Pipeline), events };
}

describe('Pipeline', () => {
  it('composes a custom Clusterer from the container and folds every group with it', async () => {
    const clusterer = new ModuloClusterer();
    const { pipeline, events } = assemble(clusterer, { ...FOLD, seed: 7 });
    const { model, source } = toyModel();
    const sink = new MemorySink();
    const result = await pipeline.run(model, source, sink);
    await sink.commit();

    expect(clusterer.calls.map((c) => [c.rows, c.k, c.options.seed, c.options.group])).toEqual([
      [F, 3, 7, 'layers.0.ffn'],
      [F, 3, 7, 'layers.1.ffn'],
    ]);
    const w1 = sink.committed.get('layers.0.fc1.weight')!;
    const orig = await source.readFloat32('layers.0.fc1.weight');
    expect(w1.shape).toEqual([3, H]);
    // cluster 0 = units {0, 3}: its row is their mean
    for (let j = 0; j < H; j++) expect(w1.data[j]).toBeCloseTo((orig[j] + orig[3 * H + j]) / 2, 5);
    expect(sink.committed.get('layers.1.fc2.weight')!.shape).toEqual([H, 3]);
    expect(sink.committed.get('embed.weight')!.data).toEqual(await source.readFloat32('embed.weight'));
    expect(sink.committed.get('layers.0.fc2.bias')!.shape).toEqual([H]);

    const perUnit = H + 1 + H;
    expect(result.parameters.targetedBefore - result.parameters.targetedAfter).toBe(2 * 3 * perUnit);
    expect(result.parameters.before - result.parameters.after).toBe(2 * 3 * perUnit);
    expect(result.sparsity.targeted).toBeCloseTo(0.5, 10);
    expect(result.groups.map((g) => [g.name, g.n, g.k, g.inertia])).toEqual([
      ['layers.0.ffn', F, 3, 42],
      ['layers.1.ffn', F, 3, 42],
    ]);
    expect(result.kept.get('layers.1.ffn')).toBe(3);
    expect(events.filter((e) => e.type === 'step')).toHaveLength(2);
  });

  it('with a pair cost, clusters the next group while one is clustered (two in flight) and writes them in order', async () => {
    const order: string[] = [];
    const inner = new ModuloClusterer();
    const overlapping: Clusterer = {
      name: 'overlapping',
      async cluster(features, k, options) {
        order.push(`start ${options.group}`);
        // Yields to the event loop, as a clusterer waiting on its engine or threads does.
        await new Promise((resolve) => setImmediate(resolve));
        order.push(`end ${options.group}`);
        return inner.cluster(features, k, options);
      },
    };
    const { pipeline, events } = assemble(overlapping, FOLD, undefined, PairCostFeatures);
    const { model, source } = toyModel();
    const sink = new MemorySink();
    const result = await pipeline.run(model, source, sink);
    expect(order).toEqual(['start layers.0.ffn', 'start layers.1.ffn', 'end layers.0.ffn', 'end layers.1.ffn']);
    // Without a pair cost one group is clustered at a time.
    order.length = 0;
    await assemble(overlapping).pipeline.run(model, toyModel().source, new MemorySink());
    expect(order).toEqual(['start layers.0.ffn', 'end layers.0.ffn', 'start layers.1.ffn', 'end layers.1.ffn']);
    expect(groupsAhead(new PairCostFeatures())).toBe(2);
    expect(groupsAhead(new RowFeatures())).toBe(1);
    expect(result.groups.map((g) => g.name)).toEqual(['layers.0.ffn', 'layers.1.ffn']);
    expect(events.filter((e) => e.type === 'step').map((e) => (e.type === 'step' ? e.item : ''))).toEqual(['layers.0.ffn', 'layers.1.ffn']);
    // The same tensors as one group at a time (the composition test's clusterer, no yielding).
    const serial = new MemorySink();
    await assemble(new ModuloClusterer()).pipeline.run(model, toyModel().source, serial);
    await sink.commit();
    await serial.commit();
    for (const [name, tensor] of serial.committed) expect(sink.committed.get(name)).toEqual(tensor);
  });

  it('a group ahead that fails is reported when its turn comes, after the groups before it', async () => {
    const inner = new ModuloClusterer();
    const failing: Clusterer = {
      name: 'failing',
      async cluster(features, k, options) {
        if (options.group === 'layers.1.ffn') throw new OptionError('--test', 'group 1 cannot be clustered');
        return inner.cluster(features, k, options);
      },
    };
    const { pipeline, events } = assemble(failing, FOLD, undefined, PairCostFeatures);
    const { model, source } = toyModel();
    await expect(pipeline.run(model, source, new MemorySink())).rejects.toThrow(/group 1 cannot be clustered/);
    expect(events.filter((e) => e.type === 'step').map((e) => (e.type === 'step' ? e.item : ''))).toEqual(['layers.0.ffn']);
  });

  it('runs the registered Pruner for method prune', async () => {
    const clusterer = new ModuloClusterer();
    const { pipeline } = assemble(clusterer, { ...FOLD, method: 'prune' });
    const { model, source } = toyModel();
    const sink = new MemorySink();
    const result = await pipeline.run(model, source, sink);
    expect(clusterer.calls).toHaveLength(0);
    expect(result.groups.every((g) => g.inertia === null && g.k === 3)).toBe(true);
    expect(result.shapesKept).toBe(false);
  });

  it('refuses an unknown model type, listing the supported ones', async () => {
    const { pipeline } = assemble();
    const { source } = toyModel();
    const model = { config: { model_type: 'bert' }, tensors: source.list() };
    await expect(pipeline.run(model, source, new MemorySink()))
      .rejects.toThrow(new ModelError({ file: 'config.json' }, "unknown model type 'bert'; supported: toy"));
  });

  it('refuses a sparsity outside [0, 1)', async () => {
    const { model, source } = toyModel();
    for (const sparsity of [-0.1, 1, Number.NaN]) {
      const { pipeline } = assemble(undefined, { ...FOLD, sparsity });
      await expect(pipeline.run(model, source, new MemorySink())).rejects.toBeInstanceOf(OptionError);
    }
  });

  it('writes the config of the registered ExportFormat, and never one that disagrees with the tensors', async () => {
    const { model, source } = toyModel();
    const honest = assemble(undefined, FOLD, hfExport());
    const result = await honest.pipeline.run(model, source, new MemorySink());
    expect([result.exportMode, result.config?.ffn_dim, result.shapesKept]).toEqual(['hf', 3, false]);
    // Without a format nothing is rewritten.
    expect((await assemble().pipeline.run(model, source, new MemorySink())).config).toBeNull();
    // A format whose config describes other shapes than the ones written is refused by the adapter's
    // own check, before the caller could commit the sink.
    const sink = new MemorySink();
    const lying = assemble(undefined, FOLD, lyingFormat);
    await expect(lying.pipeline.run(model, source, sink)).rejects.toThrow(/fc1.weight': has 3 rows, config.json says ffn_dim 6/);
  });
});

describe('Pipeline warnings', () => {
  /** Keeps `k` units of every group, whatever the sparsity asked (a policy that cannot hit it). */
  class FixedPolicy implements SparsityPolicy {
    readonly name = 'fixed';
    readonly needsCost = false;
    constructor(
      private readonly k: number,
      readonly ownBudget = false,
    ) {}
    async allocate(groups: { group: FoldGroup }[]) {
      return groups.map(({ group }) => ({ group: group.name, n: group.units, k: this.k }));
    }
  }

  function withPolicy(policy: SparsityPolicy, options: RunOptions, format?: ExportFormat) {
    const events: ProgressEvent[] = [];
    const c = createContainer();
    provide<RunOptions>(c, TOKENS.RunOptions, options);
    if (format) provide<ExportFormat>(c, TOKENS.ExportFormat, format);
    c.register(TOKENS.ModelAdapter, { useClass: ToyAdapter });
    provide<Clusterer>(c, TOKENS.Clusterer, new ModuloClusterer());
    c.register(TOKENS.FeatureExtractor, { useClass: RowFeatures });
    c.register(TOKENS.Merger, { useClass: FfnMerger });
    c.register(TOKENS.Pruner, { useClass: KeepFirstPruner });
    provide<SparsityPolicy>(c, TOKENS.SparsityPolicy, policy);
    provide(c, TOKENS.ProgressListener, (e: ProgressEvent) => void events.push(e));
    return { pipeline: c.resolve(Pipeline), warnings: () => events.filter((e) => e.type === 'warning').map((e) => (e as { message: string }).message) };
  }

  it('warns, with both numbers and the unit size, when the K per group miss the requested sparsity by more than a unit', async () => {
    const { model, source } = toyModel();
    // 3 of 6 units kept in each group: 50% for the 10% asked, far beyond one unit (1/12 of the targeted parameters).
    const run = withPolicy(new FixedPolicy(3), { ...FOLD, sparsity: 0.1 });
    const result = await run.pipeline.run(model, source, new MemorySink());
    expect(run.warnings()).toEqual([
      "the targeted sparsity is 50.00%, not the requested 10.00%: K is a whole number of units per group, and the 'ffn' groups have 6 units each " +
        '(one unit is 16.67% of a group); ask for a sparsity near a multiple of that, or compress other group kinds (--groups)',
    ]);
    expect(result.warnings).toEqual(run.warnings());
  });

  it('stays quiet within one unit, and when the policy sets its own budget (an explicit table)', async () => {
    const { model, source } = toyModel();
    // 5 of 6 kept: 16.7% for 10% asked, a miss of less than one unit of the whole (8.3%).
    const close = withPolicy(new FixedPolicy(5), { ...FOLD, sparsity: 0.1 });
    expect((await close.pipeline.run(model, source, new MemorySink())).warnings).toEqual([]);
    const own = withPolicy(new FixedPolicy(3, true), { ...FOLD, sparsity: 0.1 });
    expect((await own.pipeline.run(model, source, new MemorySink())).warnings).toEqual([]);
    expect(own.warnings()).toEqual([]);
  });

  it("says when a format that picks another ('auto') wrote one stock transformers cannot load, and not otherwise", async () => {
    const { model, source } = toyModel();
    const extended: ExportFormat = { ...lyingFormat, name: 'extended', stockLoadable: false, config: (_a, m, kept) => ({ ...m.config, ffn_dim: kept.get('layers.0.ffn') }) };
    const picking = (picked: ExportFormat): ExportFormat => ({ ...lyingFormat, name: 'auto', resolve: () => picked, config: () => ({}) });
    const run = withPolicy(new FixedPolicy(3), { ...FOLD, sparsity: 0.5 }, picking(extended));
    const result = await run.pipeline.run(model, source, new MemorySink());
    expect(result.exportMode).toBe('extended');
    expect(result.exportFormat).toEqual({ name: 'extended', description: 'test double', stockLoadable: false, keepsShapes: false });
    expect(run.warnings()).toHaveLength(1);
    expect(run.warnings()[0]).toMatch(/^--export auto wrote the 'extended' export, .*stock transformers cannot load it, .*pass --export dense/);
    // 'hf' picked, or 'extended' asked for by name: nothing to say.
    const hf = withPolicy(new FixedPolicy(3), { ...FOLD, sparsity: 0.5 }, picking(hfExport()));
    expect((await hf.pipeline.run(model, source, new MemorySink())).warnings).toEqual([]);
    const asked = withPolicy(new FixedPolicy(3), { ...FOLD, sparsity: 0.5 }, extended);
    expect((await asked.pipeline.run(model, source, new MemorySink())).warnings).toEqual([]);
  });
});
