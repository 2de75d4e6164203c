import {
  createContainer,
  provide,
  silentProgress,
  TOKENS,
  OptionError,
  type Clusterer,
  type DependencyContainer,
  type ModelAdapter,
  type ProgressListener,
  type SparsityPolicy,
  type TensorEngine,
} from '@speechfold/core';
import { createCappedClusterer, KMeansClusterer } from '@speechfold/kmeans';
import {
  DenseFoldingMerger,
  FoldingMerger,
  MAGNITUDE_OPTIONS,
  MagnitudePruner,
  ProbeFeatureExtractor,
  ProducerFeatureExtractor,
  UnitFeatureExtractor,
  UnstructuredMagnitudePruner,
  ZeroingMagnitudePruner,
  type MagnitudeOptions,
} from '@speechfold/fold';
import { hubertAdapter } from '@speechfold/adapter-hubert';
import { whisperAdapter } from '@speechfold/adapter-whisper';
import { createPolicy, type PolicyName } from '@speechfold/sparsity';
import { SafetensorsSinkFactory, SafetensorsSourceFactory } from '@speechfold/safetensors';
import { foldSettings, type FoldSettings } from './recipes';

/** The adapters shipped with speechfold: HuBERT and Whisper. Add yours to the list you pass. */
export function defaultAdapters(): ModelAdapter[] {
  return [hubertAdapter(), whisperAdapter()];
}

/**
 * The compression methods a user picks by name: 'fold' (the default folding, recipes.ts), 'kmeans'
 * (the paper's k-means folding), and the magnitude-pruning baselines.
 */
export const METHODS = ['fold', 'kmeans', 'magnitude', 'magnitude-unstructured'] as const;
export type MethodName = (typeof METHODS)[number];

/** What the default container is built from. */
export interface CompressionPreset {
  engine: TensorEngine;
  /** Model adapters to detect models with (at least one). */
  adapters: ModelAdapter[];
  method?: MethodName;
  /** Folding settings over the method's recipe (folding methods only). */
  fold?: Partial<FoldSettings>;
  /** A policy name (with options) or a ready policy. Default 'uniform'. */
  policy?: PolicyName | SparsityPolicy;
  policyOptions?: unknown;
  /** Magnitude score norm. */
  norm?: MagnitudeOptions['norm'];
  /** Keep the original shapes (the `dense` export): each unit carries its cluster's centroid. */
  dense?: boolean;
  progress?: ProgressListener;
}

/** The Pipeline's method for a user-facing method name. */
export function pipelineMethod(method: MethodName): 'fold' | 'prune' {
  return method === 'fold' || method === 'kmeans' ? 'fold' : 'prune';
}

/** The folding settings of a method with overrides (the recipe of 'fold' for a pruning method, unused). */
export function methodFoldSettings(method: MethodName, overrides: Partial<FoldSettings> = {}): FoldSettings {
  return foldSettings(method === 'kmeans' ? 'kmeans' : 'fold', overrides);
}

/** Parses a method name, or throws OptionError naming --method and the choices. */
export function parseMethod(value: string): MethodName {
  if ((METHODS as readonly string[]).includes(value)) return value as MethodName;
  throw new OptionError('--method', `unknown method '${value}'; choose one of: ${METHODS.join(', ')}`);
}

/**
 * A child container with every pipeline step registered: the method's clusterer and features on the
 * given engine (recipes.ts), the folding merger (dense or not), the magnitude pruner of the method, the policy, safetensors IO and the
 * adapters. Register anything again on the returned container to swap that step.
 */
export function createCompressionContainer(preset: CompressionPreset): DependencyContainer {
  if (preset.adapters.length === 0) throw new OptionError('adapters', 'expected at least one model adapter');
  const c = createContainer();
  provide<TensorEngine>(c, TOKENS.TensorEngine, preset.engine);
  provide<ProgressListener>(c, TOKENS.ProgressListener, preset.progress ?? silentProgress);
  for (const adapter of preset.adapters) c.register<ModelAdapter>(TOKENS.ModelAdapter, { useValue: adapter });
  const method = preset.method ?? 'fold';
  const fold = methodFoldSettings(method, preset.fold);
  if (fold.clusterer === 'kmeans') c.register(TOKENS.Clusterer, { useClass: KMeansClusterer });
  else provide<Clusterer>(c, TOKENS.Clusterer, createCappedClusterer(preset.engine, { cap: fold.cap }));
  if (fold.features === 'probe') c.register(TOKENS.FeatureExtractor, { useClass: ProbeFeatureExtractor });
  else if (fold.features === 'producers') c.register(TOKENS.FeatureExtractor, { useClass: ProducerFeatureExtractor });
  else c.register(TOKENS.FeatureExtractor, { useClass: UnitFeatureExtractor });
  if (preset.dense) c.register(TOKENS.Merger, { useClass: DenseFoldingMerger });
  else c.register(TOKENS.Merger, { useClass: FoldingMerger });
  provide<MagnitudeOptions>(c, MAGNITUDE_OPTIONS, { norm: preset.norm ?? 'l2' });
  if (method === 'magnitude-unstructured') c.register(TOKENS.Pruner, { useClass: UnstructuredMagnitudePruner });
  else if (preset.dense) c.register(TOKENS.Pruner, { useClass: ZeroingMagnitudePruner });
  else c.register(TOKENS.Pruner, { useClass: MagnitudePruner });
  const policy =
    typeof preset.policy === 'object' ? preset.policy : createPolicy(preset.policy ?? 'uniform', preset.policyOptions);
  provide<SparsityPolicy>(c, TOKENS.SparsityPolicy, policy);
  c.register(TOKENS.TensorSourceFactory, { useClass: SafetensorsSourceFactory });
  c.register(TOKENS.TensorSinkFactory, { useClass: SafetensorsSinkFactory });
  return c;
}
