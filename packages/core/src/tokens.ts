/**
 * Injection tokens (symbols) for every pluggable step. Register an implementation under a token
 * in a tsyringe container to swap it; the pipeline resolves them with explicit @inject(TOKEN).
 * Each token carries the type of what is registered under it, so that `container.resolve(TOKENS.Clusterer)`
 * (core's DependencyContainer) is typed `Clusterer` and `provide(c, TOKENS.Clusterer, x)` checks `x`.
 */
import type { TensorEngine } from './engine';
import type { TensorSinkFactory, TensorSourceFactory } from './factories';
import type { ExportFormat } from './export-format';
import type { Clusterer, FeatureExtractor, Merger, ModelAdapter, Pruner, SparsityPolicy, UnitScorer } from './method';
import type { RunOptions } from './pipeline';
import type { ProgressListener } from './progress';

declare const tokenType: unique symbol;

/**
 * An injection token: a symbol that tsyringe takes as it is (`@inject`, `register`), branded with the
 * type of what is registered under it. Make one with `token<T>(description)`.
 */
export type Token<T> = symbol & { readonly [tokenType]: T };

/** A token for values of type T; the same description gives the same symbol (Symbol.for). */
export function token<T>(description: string): Token<T> {
  return Symbol.for(description) as Token<T>;
}

export const TOKENS = {
  TensorEngine: token<TensorEngine>('speechfold.TensorEngine'),
  Clusterer: token<Clusterer>('speechfold.Clusterer'),
  FeatureExtractor: token<FeatureExtractor>('speechfold.FeatureExtractor'),
  Merger: token<Merger>('speechfold.Merger'),
  Pruner: token<Pruner>('speechfold.Pruner'),
  UnitScorer: token<UnitScorer>('speechfold.UnitScorer'),
  ExportFormat: token<ExportFormat>('speechfold.ExportFormat'),
  /** The pipeline's RunOptions (one run: method, sparsity, groups, seed...), derived from the run spec. */
  RunOptions: token<RunOptions>('speechfold.RunOptions'),
  /**
   * The run spec the container was built from, as JSON (optional; the model card quotes it). presets
   * registers its validated CompressionSpec here (its SPEC_TOKEN is this token, typed).
   */
  RunSpec: token<Readonly<Record<string, unknown>>>('speechfold.RunSpec'),
  SparsityPolicy: token<SparsityPolicy>('speechfold.SparsityPolicy'),
  /** Registered once per adapter; the pipeline resolves them all. */
  ModelAdapter: token<ModelAdapter>('speechfold.ModelAdapter'),
  TensorSourceFactory: token<TensorSourceFactory>('speechfold.TensorSourceFactory'),
  TensorSinkFactory: token<TensorSinkFactory>('speechfold.TensorSinkFactory'),
  ProgressListener: token<ProgressListener>('speechfold.ProgressListener'),
} as const;
