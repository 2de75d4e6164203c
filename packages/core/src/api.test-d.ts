/**
 * Type tests of core's public API: checked by `npm run typecheck`, never run (jest runs *.test.ts
 * only, and the build excludes this file). Every line must compile except those under
 * `@ts-expect-error`, which are misuses the types must refuse (an unrefused one fails the check).
 */
import {
  Catalogue,
  createContainer,
  hfExport,
  ModelDirCompressor,
  Pipeline,
  provide,
  token,
  TOKENS,
  type ClusterResult,
  type Clusterer,
  type CompressionResult,
  type DependencyContainer,
  type ExportFormat,
  type FoldGroup,
  type GroupKind,
  type Matrix,
  type Merger,
  type ModelAdapter,
  type ModelDescription,
  type TensorEngine,
  type TensorSink,
  type TensorSource,
  type Token,
} from '@speechfold/core';
import { MemorySink, MemorySource } from '@speechfold/core/testing';
// @ts-expect-error test doubles live under the ./testing subpath, not in the main entry point
import { MemorySource as NotInMain } from '@speechfold/core';
// @ts-expect-error internals (here the pipeline's model-dir reader) are not exported
import { describeModelDir } from '@speechfold/core';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function expectType<T extends true>(): T | undefined {
  return undefined;
}

declare const container: DependencyContainer;
declare const model: ModelDescription;
declare const source: TensorSource;
declare const sink: TensorSink;
declare const merger: Merger;

class ModuloClusterer implements Clusterer {
  readonly name = 'modulo';
  async cluster(features: Matrix, k: number): Promise<ClusterResult> {
    const labels = Int32Array.from({ length: features.rows }, (_, i) => i % k);
    return { labels, centroids: { data: new Float32Array(0), rows: 0, cols: 0 }, inertia: NaN, iterations: 0 };
  }
}

export async function typeTests(): Promise<void> {
  // Typed tokens: resolving a token gives its type, and a container checks what is provided for it.
  const clusterer: Clusterer = container.resolve(TOKENS.Clusterer);
  expectType<Equal<typeof clusterer, Clusterer>>();
  const adapters: ModelAdapter[] = container.resolveAll(TOKENS.ModelAdapter);
  const engine = container.resolve(TOKENS.TensorEngine);
  expectType<Equal<typeof engine, TensorEngine>>();
  // @ts-expect-error a Clusterer token does not resolve to a Merger
  const notAMerger: Merger = container.resolve(TOKENS.Clusterer);
  provide(container, TOKENS.Clusterer, new ModuloClusterer());
  // @ts-expect-error a Merger is not a Clusterer
  provide(container, TOKENS.Clusterer, merger);
  // @ts-expect-error provide takes typed tokens only, not a bare symbol
  provide(container, Symbol('untyped'), 1);
  const mine: Token<{ alpha: number }> = token<{ alpha: number }>('example.Options');
  provide(container, mine, { alpha: 1 });
  // @ts-expect-error the options token holds { alpha: number }
  provide(container, mine, { alpha: 'one' });
  // tsyringe's own registration still takes the tokens as they are.
  createContainer().register(TOKENS.Clusterer, { useClass: ModuloClusterer });

  // Pipeline.run(model, source, sink): what to do comes from the container (RunOptions), not a 4th argument.
  const pipeline = container.resolve(Pipeline);
  const result: CompressionResult = await pipeline.run(model, source, sink);
  // @ts-expect-error no run options argument
  await pipeline.run(model, source, sink, { method: 'fold', sparsity: 0.1, kinds: ['ffn'], seed: 0 });
  const memory: [TensorSource, TensorSink] = [new MemorySource(new Map()), new MemorySink()];

  // ModelDirCompressor.compress(input, output, { force }): the method is the spec's, not an option here.
  const compressor = container.resolve(ModelDirCompressor);
  await compressor.compress('in', 'out', { force: true });
  // @ts-expect-error the method is part of the run spec (the container), not of compress()
  await compressor.compress('in', 'out', { method: 'fold' });

  // An ExportFormat must write a config; only formats that keep shapes have `expand`.
  const hf: ExportFormat = hfExport();
  // @ts-expect-error an ExportFormat without `config`
  const noConfig: ExportFormat = { name: 'x', description: 'x', keepsShapes: false, stockLoadable: false, resolve: () => hf };

  // The catalogue: each kind's factory makes that kind's plugin.
  const catalogue = new Catalogue().register({ kind: 'clusterer', name: 'modulo', description: 'i mod k', create: () => new ModuloClusterer() });
  const made: Clusterer = catalogue.create('clusterer', 'modulo', container);
  // @ts-expect-error a clusterer entry cannot make an export format
  catalogue.register({ kind: 'clusterer', name: 'wrong', description: 'not a clusterer', create: () => hfExport() });
  // @ts-expect-error no such kind of choice
  catalogue.names('optimizer');

  // Group kinds: the shipped ones are ffn and heads (augmentable); qk / vo are gone.
  expectType<Equal<GroupKind, 'ffn' | 'heads'>>();
  const group: FoldGroup = { name: 'ffn', kind: 'ffn', layer: 0, stack: 'encoder', units: 4, producers: [], consumers: [] };
  // @ts-expect-error 'qk' is not a group kind
  const qk: FoldGroup = { ...group, kind: 'qk' };

  void [adapters, notAMerger, result, memory, noConfig, made, qk, NotInMain, describeModelDir];
}
