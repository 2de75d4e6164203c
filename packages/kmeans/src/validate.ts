/**
 * Input checks for k-means. Everything a caller can get wrong fails here with a MethodError that
 * names the fold group (options.group) and what was expected, before any arithmetic runs.
 */
import { MethodError, OptionError, type ClusterOptions, type Matrix } from '@speechfold/core';

/** The k-means settings that ClusterOptions may leave out. */
export interface KMeansSettings {
  /** Restarts; the lowest inertia wins (default 1). */
  nInit: number;
  /** Most Lloyd iterations per restart (default 300). */
  maxIter: number;
  /** Stop when the relative decrease of inertia falls below this (default 1e-4). */
  tol: number;
  /**
   * Largest N x N float32 pairwise-distance matrix (bytes) the seeding may hold; above it the seeding
   * asks the engine for the candidates' distances step by step instead (default 512 MiB).
   */
  pairwiseBudgetBytes: number;
  /**
   * Refine Lloyd's result with Hartigan single-point moves (default true). They never raise the
   * inertia and lower it most when K is near N; false gives plain Lloyd, as METHOD.md §2 names it.
   */
  hartigan: boolean;
}

/** Defaults of every k-means setting. */
export const DEFAULT_SETTINGS: Readonly<KMeansSettings> = {
  nInit: 1,
  maxIter: 300,
  tol: 1e-4,
  pairwiseBudgetBytes: 512 * 1024 * 1024,
  hartigan: true,
};

/** Why a value is not a positive integer, or null when it is one. */
function positiveIntegerProblem(value: number): string | null {
  return Number.isInteger(value) && value >= 1 ? null : `expected a positive integer, got ${value}`;
}

/** Why a value is not a finite number >= 0, or null when it is one. */
function nonNegativeProblem(value: number): string | null {
  return Number.isFinite(value) && value >= 0 ? null : `expected a finite number >= 0, got ${value}`;
}

/** The problem with one setting's value, or null when it is valid. */
function settingProblem(name: keyof KMeansSettings, value: number | boolean): string | null {
  if (name === 'hartigan') return typeof value === 'boolean' ? null : `expected true or false, got ${value}`;
  if (typeof value !== 'number') return `expected a number, got ${typeof value}`;
  return name === 'tol' ? nonNegativeProblem(value) : positiveIntegerProblem(value);
}

/** Merges partial defaults over DEFAULT_SETTINGS; throws OptionError naming a bad one. */
export function resolveDefaults(defaults: Partial<KMeansSettings> = {}): KMeansSettings {
  const merged = { ...DEFAULT_SETTINGS, ...stripUndefined(defaults) };
  for (const name of Object.keys(DEFAULT_SETTINGS) as (keyof KMeansSettings)[]) {
    const problem = settingProblem(name, merged[name]);
    if (problem !== null) throw new OptionError(`kmeans.${name}`, problem);
  }
  return merged;
}

/** Copies an object without its undefined fields, so they do not override defaults. */
function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** The settings of one cluster() call: ClusterOptions over the clusterer's defaults, checked. */
export function resolveSettings(options: ClusterOptions, defaults: KMeansSettings): KMeansSettings {
  const group = options.group;
  if (!Number.isInteger(options.seed)) {
    throw new MethodError({ group, option: 'seed' }, `expected an integer seed, got ${options.seed}`);
  }
  const settings: KMeansSettings = {
    ...defaults,
    ...stripUndefined({ nInit: options.nInit, maxIter: options.maxIter, tol: options.tol }),
  };
  for (const name of ['nInit', 'maxIter', 'tol'] as const) {
    const problem = settingProblem(name, settings[name]);
    if (problem !== null) throw new MethodError({ group, option: name }, problem);
  }
  return settings;
}

/** Checks the feature matrix and K; throws MethodError naming the group (and row, for bad values). */
export function validateInput(features: Matrix, k: number, group: string | undefined): void {
  const { rows, cols, data } = features;
  if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 0 || cols < 0) {
    throw new MethodError({ group }, `features have an invalid shape ${rows}x${cols}`);
  }
  if (!(data instanceof Float32Array)) {
    throw new MethodError({ group }, 'features must be a Float32Array');
  }
  if (data.length !== rows * cols) {
    throw new MethodError(
      { group },
      `features are ${rows}x${cols} (${rows * cols} values) but hold ${data.length} values`,
    );
  }
  if (rows === 0) throw new MethodError({ group }, 'features have no rows: there is nothing to cluster');
  if (!Number.isInteger(k))
    throw new MethodError({ group, option: 'k' }, `expected an integer number of clusters, got ${k}`);
  if (k < 1 || k > rows) {
    throw new MethodError({ group, option: 'k' }, `expected 1 <= k <= ${rows} (the number of rows), got ${k}`);
  }
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i])) {
      const row = Math.floor(i / cols);
      throw new MethodError(
        { group },
        `features row ${row}, column ${i - row * cols} is ${data[i]}; expected a finite number`,
      );
    }
  }
}
