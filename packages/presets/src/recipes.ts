/**
 * Folding recipes: the named methods a user picks, each a full set of folding settings (like
 * llm-compressor's recipes). `fold` is the default, chosen by the ablations in
 * docs/results/<model>/ablation.md (lowest mean WER change over whisper-base and whisper-tiny.en,
 * test-clean and test-other, at 10%); `kmeans` is Model Folding as the paper specifies it.
 * Any setting can be overridden one by one (`speechfold compress --clusterer ... --features ...`);
 * the catalogue (catalogue.ts) registers each recipe as a 'method'.
 */

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
