/**
 * The default catalogue: every method, clusterer, feature extractor, pruner, scorer, policy, export
 * format and engine speechfold ships, each registered once by name with a one-line description. The
 * CLI's choices and --help come from here; `defaultCatalogue().clone()` plus one `register` call is
 * how a new plugin appears (docs/extending.md).
 */
import {
  autoExport,
  Catalogue,
  extendedExport,
  hfExport,
  silentProgress,
  TOKENS,
  type DependencyContainer,
  type ProgressListener,
  type TensorEngine,
} from '@speechfold/core';
import { loadEngine } from '@speechfold/engine-auto';
import {
  denseExport,
  MagnitudeScorer,
  ProbeFeatureExtractor,
  ProducerFeatureExtractor,
  StructuredPruner,
  UnitFeatureExtractor,
  UnstructuredMagnitudePruner,
} from '@speechfold/fold';
import { createCappedClusterer, KMeansClusterer } from '@speechfold/kmeans';
import { createPolicy } from '@speechfold/sparsity';
import { FOLD_RECIPES } from './recipes';

function engineOf(c: DependencyContainer): TensorEngine {
  return c.resolve(TOKENS.TensorEngine);
}

/** Where an engine says which engine it chose and why: the container's progress listener, if any. */
function listenerOf(c: DependencyContainer): ProgressListener {
  return c.isRegistered(TOKENS.ProgressListener, true) ? c.resolve(TOKENS.ProgressListener) : silentProgress;
}

/** Registers speechfold's own choices in `catalogue` (a fresh one by default) and returns it. */
export function registerDefaults(catalogue: Catalogue = new Catalogue()): Catalogue {
  return catalogue
    .register({ kind: 'method', name: 'fold', description: 'the default folding: capped pairs on probe features (chosen by the ablations)', create: () => ({ action: 'fold', fold: { ...FOLD_RECIPES.fold } }) })
    .register({ kind: 'method', name: 'kmeans', description: "Model Folding as the paper specifies it: k-means on weight features", create: () => ({ action: 'fold', fold: { ...FOLD_RECIPES.kmeans } }) })
    .register({ kind: 'method', name: 'magnitude', description: 'structured magnitude pruning (same groups, same K): the baseline', create: () => ({ action: 'prune', prune: { pruner: 'remove', scorer: 'magnitude' } }) })
    .register({ kind: 'method', name: 'magnitude-unstructured', description: 'unstructured magnitude pruning: zeroes single weights, no size gain', create: () => ({ action: 'prune', prune: { pruner: 'unstructured' } }) })
    .register({ kind: 'clusterer', name: 'capped', description: 'greedy Ward merging with a cluster-size cap (cap 2: a matching by the pair cost)', options: { cap: "most units per cluster, or 'auto' = max(2, ceil(N / K))" }, create: (c, o) => createCappedClusterer(engineOf(c), { cap: o.cap as number | 'auto' | undefined }) })
    .register({ kind: 'clusterer', name: 'kmeans', description: 'k-means (k-means++ seeding, Lloyd + Hartigan), as the paper', create: (c) => c.resolve(KMeansClusterer) })
    .register({ kind: 'features', name: 'probe', description: 'activations on seeded Gaussian LayerNorm probes; pairs by the exact output change on them', create: (c) => c.resolve(ProbeFeatureExtractor) })
    .register({ kind: 'features', name: 'weights', description: "producer rows and consumer columns (the paper's features)", create: (c) => c.resolve(UnitFeatureExtractor) })
    .register({ kind: 'features', name: 'producers', description: 'producer rows and biases only', create: (c) => c.resolve(ProducerFeatureExtractor) })
    .register({ kind: 'pruner', name: 'remove', description: 'keeps the K units the scorer ranks highest and deletes the others', create: (c) => c.resolve(StructuredPruner) })
    .register({ kind: 'pruner', name: 'unstructured', description: 'zeroes the smallest |w| of each weight matrix (1 - K/N of them)', create: () => new UnstructuredMagnitudePruner() })
    .register({ kind: 'scorer', name: 'magnitude', description: "the norm of a unit's producer weight rows, biases excluded", options: { norm: 'l2 (default) or l1' }, create: (_c, o) => new MagnitudeScorer({ norm: (o.norm as 'l1' | 'l2' | undefined) ?? 'l2' }) })
    .register({ kind: 'policy', name: 'uniform', description: 'the same fraction of units removed in every group', create: (_c, o) => createPolicy('uniform', o.policyOptions) })
    .register({ kind: 'policy', name: 'explicit', description: 'a per-layer table of K or kept fractions (--policy-file)', create: (_c, o) => createPolicy('explicit', o.policyOptions) })
    .register({ kind: 'policy', name: 'schedule', description: 'kept fraction as a function of depth (--policy-file)', create: (_c, o) => createPolicy('schedule', o.policyOptions) })
    .register({ kind: 'policy', name: 'mixed', description: 'K per group by the folding cost at trial K (data-free)', create: (_c, o) => createPolicy('mixed', o.policyOptions) })
    .register({ kind: 'export', name: 'auto', description: "'hf' where a stock config can express the result, else 'extended'", create: () => autoExport() })
    .register({ kind: 'export', name: 'hf', description: hfExport().description, create: () => hfExport() })
    .register({ kind: 'export', name: 'extended', description: extendedExport().description, create: () => extendedExport() })
    .register({ kind: 'export', name: 'dense', description: denseExport().description, create: () => denseExport() })
    .register({ kind: 'engine', name: 'auto', description: 'the fastest engine that loads here (tfjs-node, onnxruntime, tfjs-wasm)', create: (c) => loadEngine('auto', listenerOf(c)) })
    .register({ kind: 'engine', name: 'tfjs', description: '@tensorflow/tfjs-node, else tfjs-wasm', create: (c) => loadEngine('tfjs', listenerOf(c)) })
    .register({ kind: 'engine', name: 'onnxruntime', description: 'onnxruntime-node (CPU)', create: (c) => loadEngine('onnxruntime', listenerOf(c)) })
    .register({ kind: 'engine', name: 'wasm', description: 'tfjs-wasm (one thread in Node)', create: (c) => loadEngine('wasm', listenerOf(c)) });
}

const DEFAULT = registerDefaults();

/** The shipped catalogue (shared; clone it before registering your own choices). */
export function defaultCatalogue(): Catalogue {
  return DEFAULT;
}
