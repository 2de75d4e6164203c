/**
 * Folding recipes: the named methods a user picks, each a full set of folding settings (like
 * llm-compressor's recipes). `fold` is the default, chosen by the ablations in
 * docs/results/<model>/ablation.md (lowest mean WER change over whisper-base and whisper-tiny.en,
 * test-clean and test-other, at 10%); `kmeans` is Model Folding as the paper specifies it.
 * Any setting can be overridden one by one (`speechfold compress --clusterer ... --features ...`);
 * the catalogue (catalogue.ts) registers each recipe as a 'method'.
 */
import { OptionError } from '@speechfold/core';

/** Everything that decides how a group is folded. */
export interface FoldSettings {
  /** A catalogue clusterer: 'capped' (greedy Ward with a size cap; cap 2: a matching) or 'kmeans'. */
  clusterer: string;
  /** Most units per cluster for 'capped' ('auto': max(2, ceil(N / K))). */
  cap: number | 'auto';
  /**
   * 'probe': activations on Gaussian LayerNorm probes (pairs by the probe output error); 'weights':
   * producer rows + consumer columns (the paper); 'producers': producer rows and biases only.
   */
  features: string;
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
