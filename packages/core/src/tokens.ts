/**
 * Injection tokens (symbols) for every pluggable step. Register an implementation under a token
 * in a tsyringe container to swap it; the pipeline resolves them with explicit @inject(TOKEN).
 */
export const TOKENS = {
  TensorEngine: Symbol.for('speechfold.TensorEngine'),
  Clusterer: Symbol.for('speechfold.Clusterer'),
  FeatureExtractor: Symbol.for('speechfold.FeatureExtractor'),
  Merger: Symbol.for('speechfold.Merger'),
  Pruner: Symbol.for('speechfold.Pruner'),
  UnitScorer: Symbol.for('speechfold.UnitScorer'),
  ExportFormat: Symbol.for('speechfold.ExportFormat'),
  /** The pipeline's RunOptions (one run: method, sparsity, groups, seed...), derived from the run spec. */
  RunOptions: Symbol.for('speechfold.RunOptions'),
  SparsityPolicy: Symbol.for('speechfold.SparsityPolicy'),
  ModelAdapter: Symbol.for('speechfold.ModelAdapter'),
  TensorSourceFactory: Symbol.for('speechfold.TensorSourceFactory'),
  TensorSinkFactory: Symbol.for('speechfold.TensorSinkFactory'),
  ProgressListener: Symbol.for('speechfold.ProgressListener'),
} as const;
