import {
  Catalogue,
  createContainer,
  provide,
  silentProgress,
  TOKENS,
  OptionError,
  type DependencyContainer,
  type Token,
  type ModelAdapter,
  type ProgressListener,
  type RunOptions,
  type TensorEngine,
} from '@speechfold/core';
import { FoldingMerger, MAGNITUDE_OPTIONS, type MagnitudeOptions } from '@speechfold/fold';
import { hubertAdapter } from '@speechfold/adapter-hubert';
import { wav2vec2Adapter } from '@speechfold/adapter-wav2vec2';
import { whisperAdapter } from '@speechfold/adapter-whisper';
import { SafetensorsSinkFactory, SafetensorsSourceFactory } from '@speechfold/safetensors';
import { defaultCatalogue } from './catalogue';
import { resolveSpec, runOptionsOf, type CompressionSpec, type SpecInput } from './spec';

/** The adapters shipped with speechfold: HuBERT, wav2vec2 and Whisper. Add yours to the list you pass. */
export function defaultAdapters(): ModelAdapter[] {
  return [hubertAdapter(), wav2vec2Adapter(), whisperAdapter()];
}

/** What the container is built from: an engine, the adapters, and one run spec. */
export interface CompressionPreset {
  engine: TensorEngine;
  /** Model adapters to detect models with (at least one). */
  adapters: ModelAdapter[];
  /** The run: a validated spec, or any spec input (validated here; every field has a default). */
  spec?: CompressionSpec | SpecInput;
  /** Where the spec's names are looked up (default: the shipped catalogue). */
  catalogue?: Catalogue;
  progress?: ProgressListener;
}

/**
 * A child container with every pipeline step of the run spec registered: RunOptions, the method's
 * clusterer and features (or pruner and scorer), the folding merger, the policy, the export format,
 * safetensors IO and the adapters, each made by its catalogue entry. Register anything again on the
 * returned container to swap that step.
 */
export function createCompressionContainer(preset: CompressionPreset): DependencyContainer {
  if (preset.adapters.length === 0) throw new OptionError('adapters', 'expected at least one model adapter');
  const catalogue = preset.catalogue ?? defaultCatalogue();
  const spec = resolveSpec(preset.spec ?? {}, catalogue);
  const c = createContainer();
  provide<TensorEngine>(c, TOKENS.TensorEngine, preset.engine);
  provide<ProgressListener>(c, TOKENS.ProgressListener, preset.progress ?? silentProgress);
  provide<RunOptions>(c, TOKENS.RunOptions, runOptionsOf(spec));
  provide<CompressionSpec>(c, SPEC_TOKEN, spec);
  for (const adapter of preset.adapters) c.register<ModelAdapter>(TOKENS.ModelAdapter, { useValue: adapter });
  // Both steps are registered whatever the method, so either can be swapped or inspected.
  const fold = spec.fold ?? resolveSpec({ method: 'fold' }, catalogue).fold!;
  provide(c, TOKENS.Clusterer, catalogue.create('clusterer', fold.clusterer, c, { cap: fold.cap }, '--clusterer'));
  provide(c, TOKENS.FeatureExtractor, catalogue.create('features', fold.features, c, {}, '--features'));
  c.register(TOKENS.Merger, { useClass: FoldingMerger });
  const prune = spec.prune ?? { pruner: 'remove', scorer: 'magnitude', norm: 'l2' as const };
  provide<MagnitudeOptions>(c, MAGNITUDE_OPTIONS, { norm: prune.norm });
  provide(c, TOKENS.UnitScorer, catalogue.create('scorer', prune.scorer ?? 'magnitude', c, { norm: prune.norm }, '--method'));
  provide(c, TOKENS.Pruner, catalogue.create('pruner', prune.pruner, c, {}, '--method'));
  provide(c, TOKENS.SparsityPolicy, catalogue.create('policy', spec.policy, c, { policyOptions: spec.policyOptions ?? undefined }, '--policy'));
  provide(c, TOKENS.ExportFormat, catalogue.create('export', spec.export, c, {}, '--export'));
  c.register(TOKENS.TensorSourceFactory, { useClass: SafetensorsSourceFactory });
  c.register(TOKENS.TensorSinkFactory, { useClass: SafetensorsSinkFactory });
  return c;
}

/**
 * Token of the validated CompressionSpec a container was built from (reports and the model card embed
 * it): core's TOKENS.RunSpec, typed as the spec it holds.
 */
export const SPEC_TOKEN = TOKENS.RunSpec as unknown as Token<CompressionSpec>;
