/**
 * Folding recipes: the named methods a user picks, each a full set of folding settings (like
 * llm-compressor's recipes). `fold` is the default, chosen by the ablations in
 * docs/results/<model>/ablation.md (lowest mean WER change over whisper-base and whisper-tiny.en,
 * test-clean and test-other, at 10%); `kmeans` is Model Folding as the paper specifies it.
 * Any setting can be overridden one by one (`speechfold compress --clusterer ... --features ...`).
 */
import { OptionError } from '@speechfold/core';

/** The clusterers and feature extractors a recipe can name. */
export const CLUSTERERS = ['capped', 'kmeans'] as const;
export const FEATURES = ['probe', 'weights', 'producers'] as const;
export type ClustererName = (typeof CLUSTERERS)[number];
export type FeaturesName = (typeof FEATURES)[number];

/** Everything that decides how a group is folded. */
export interface FoldSettings {
  /** 'capped': greedy Ward with a size cap (cap 2: a matching); 'kmeans': the paper's k-means. */
  clusterer: ClustererName;
  /** Most units per cluster for 'capped' ('auto': max(2, ceil(N / K))). */
  cap: number | 'auto';
  /**
   * 'probe': activations on Gaussian LayerNorm probes (pairs by the probe output error); 'weights':
   * producer rows + consumer columns (the paper); 'producers': producer rows and biases only.
   */
  features: FeaturesName;
  /** Data-free bias correction of the output bias (groups with a response). */
  biasCorrection: boolean;
  /** Fold-AR variance repair. */
  repair: boolean;
}

/** The folding methods and their settings. */
export const FOLD_RECIPES: Readonly<Record<'fold' | 'kmeans', Readonly<FoldSettings>>> = {
  fold: { clusterer: 'capped', cap: 'auto', features: 'probe', biasCorrection: false, repair: false },
  kmeans: { clusterer: 'kmeans', cap: 'auto', features: 'weights', biasCorrection: false, repair: false },
};

/** A recipe's settings with the given ones over them. */
export function foldSettings(recipe: keyof typeof FOLD_RECIPES, overrides: Partial<FoldSettings> = {}): FoldSettings {
  const given = Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined));
  return { ...FOLD_RECIPES[recipe], ...given };
}

/** Parses --clusterer. */
export function parseClusterer(value: string): ClustererName {
  if ((CLUSTERERS as readonly string[]).includes(value)) return value as ClustererName;
  throw new OptionError('--clusterer', `unknown clusterer '${value}'; choose one of: ${CLUSTERERS.join(', ')}`);
}

/** Parses --features. */
export function parseFeatures(value: string): FeaturesName {
  if ((FEATURES as readonly string[]).includes(value)) return value as FeaturesName;
  throw new OptionError('--features', `unknown features '${value}'; choose one of: ${FEATURES.join(', ')}`);
}

/** Parses --cap: 'auto' or an integer >= 2. */
export function parseCap(value: string): number | 'auto' {
  if (value === 'auto') return 'auto';
  const n = Number(value);
  if (value.trim() === '' || !Number.isInteger(n) || n < 2) throw new OptionError('--cap', `expected 'auto' or an integer >= 2, got '${value}'`);
  return n;
}

/** Parses an on|off switch (e.g. --bias-correction). */
export function parseSwitch(option: string, value: string): boolean {
  if (value === 'on') return true;
  if (value === 'off') return false;
  throw new OptionError(option, `expected on or off, got '${value}'`);
}
