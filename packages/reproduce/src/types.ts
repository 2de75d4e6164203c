/**
 * The reproduction's data types: its options, one evaluated cell, the kept widths of a variant and
 * results.json. Their own module, so that the renderers (table.ts, plots.ts) and the cell schema
 * depend on them and not on reproduce.ts, which depends on the renderers.
 */
import type { ProgressListener, TensorEngine } from '@speechfold/core';

/** What to reproduce. */
export interface ReproduceOptions {
  model: string;
  /** Split dirs (or list files) to evaluate on. */
  data: string[];
  /** Output dir: models/, cells/, results.json, table.md, *.svg. Reused to resume. */
  out: string;
  sparsities: number[];
  /** Catalogue method names (fold, kmeans, magnitude, ...). */
  methods: string[];
  /** Catalogue policy names (uniform, mixed, schedule). */
  policies: string[];
  kinds: string[];
  seed: number;
  limit?: number;
  maxNewTokens?: number;
  /** The command line, recorded in table.md. */
  command?: string;
  /** Compute nothing: write the table and plots from the cells already finished (missing ones are listed). */
  reportOnly?: boolean;
  /**
   * When --out holds a run of other inputs (run.json: model files, data, limit, seed, max new tokens,
   * groups or speechfold version differ), delete its cells, models and results and start afresh
   * instead of refusing. A run of the same inputs is resumed either way.
   */
  force?: boolean;
  engine: TensorEngine;
  progress?: ProgressListener;
}

/** One evaluated cell: a variant on a split. */
export interface CellResult {
  variant: string;
  method: string;
  policy: string | null;
  sparsity: number;
  split: string;
  wer: number;
  words: number;
  substitutions: number;
  deletions: number;
  insertions: number;
  utterances: number;
  skipped: number;
  parameters: number;
  seconds: number;
}

/** Kept units per group of a compressed variant (for the width plot). */
export interface VariantWidths {
  variant: string;
  policy: string | null;
  sparsity: number;
  groups: { name: string; kind: string; n: number; k: number }[];
}

/** results.json. */
export interface ReproduceResult {
  model: string;
  data: string[];
  /** sha256 of this run's inputs (fingerprint.ts; the inputs themselves are in run.json). */
  fingerprint: string;
  /** True when the model is a synthetic checkpoint (random weights): its WERs mean nothing. */
  syntheticWeights: boolean;
  kinds: string[];
  seed: number;
  limit: number | null;
  maxNewTokens: number | null;
  cells: CellResult[];
  widths: VariantWidths[];
  /** Cells not computed (only with reportOnly), as 'variant/split'. */
  missing: string[];
  command: string | null;
}
