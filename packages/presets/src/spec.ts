/**
 * The run spec: one JSON-serialisable description of a compression (method, policy, groups,
 * sparsity, export, seed and every option), validated once at the edge against the catalogue, the
 * single input of the container (and so of the pipeline), and embedded in the report. A spec file
 * is a recipe, as llm-compressor has them: `speechfold compress in --out out --spec spec.json`.
 */
import { createContainer, OptionError, type Catalogue, type MethodRecipe, type RunOptions } from '@speechfold/core';
import { defaultCatalogue } from './catalogue';
import type { FoldSettings } from './recipes';

/** A validated run spec: every field present (folding fields only for folding methods). */
export interface CompressionSpec {
  /** A catalogue 'method' (fold, kmeans, magnitude, magnitude-unstructured). */
  method: string;
  /** Share of the targeted parameters to remove, in [0, 1). */
  sparsity: number;
  /** A catalogue 'policy', and its options (the policy file's JSON; null: none). */
  policy: string;
  policyOptions: unknown;
  /** Group kinds, e.g. ['ffn'] or ['ffn', 'heads']. */
  groups: string[];
  /** A catalogue 'export' format. */
  export: string;
  seed: number;
  /** k-means restarts (the lowest inertia wins). */
  nInit: number;
  /** Folding methods: the settings of the method's recipe with the spec's overrides; null for pruning. */
  fold: FoldSpec | null;
  /** Pruning methods: the pruner, scorer and magnitude norm; null for folding. */
  prune: PruneSpec | null;
}

/** How a folding method folds: its recipe's settings (recipes.ts) with the spec's overrides. */
export type FoldSpec = FoldSettings;

/** How a pruning method prunes. */
export interface PruneSpec {
  pruner: string;
  /** A catalogue 'scorer' for structured pruners; null for the unstructured one. */
  scorer: string | null;
  norm: 'l1' | 'l2';
}

/** The CLI flag of each spec field, so an error names what the user typed. */
export const SPEC_FLAGS: Readonly<Record<string, string>> = {
  method: '--method',
  sparsity: '--sparsity',
  policy: '--policy',
  policyOptions: '--policy-file',
  groups: '--groups',
  export: '--export',
  seed: '--seed',
  nInit: '--n-init',
  clusterer: '--clusterer',
  cap: '--cap',
  features: '--features',
  biasCorrection: '--bias-correction',
  repair: '--repair',
  norm: '--norm',
};

/** The fields a spec (file) may give; everything absent takes its default. */
export type SpecInput = Partial<{
  method: string;
  sparsity: number;
  policy: string;
  policyOptions: unknown;
  groups: string[] | string;
  export: string;
  seed: number;
  nInit: number;
  clusterer: string;
  cap: number | 'auto';
  features: string;
  biasCorrection: boolean;
  repair: boolean;
  norm: 'l1' | 'l2';
}>;

/** The defaults of every field that is not the method's. */
export const SPEC_DEFAULTS = { method: 'fold', sparsity: 0.1, policy: 'uniform', groups: ['ffn'], export: 'auto', seed: 0, nInit: 1, norm: 'l2' } as const;

const FOLD_FIELDS = ['clusterer', 'cap', 'features', 'biasCorrection', 'repair'] as const;

function fail(field: string, expected: string, value: unknown): OptionError {
  return new OptionError(SPEC_FLAGS[field] ?? field, `expected ${expected}, got ${JSON.stringify(value)}`);
}

function integer(field: string, value: unknown, min: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) throw fail(field, `an integer >= ${min}`, value);
  return value;
}

function bool(field: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw fail(field, 'true or false', value);
  return value;
}

/**
 * Validates a spec (a parsed spec file, the CLI's flags, or an API caller's object) against the
 * catalogue and fills every default; throws OptionError naming the field's CLI flag.
 */
export function resolveSpec(input: unknown, catalogue: Catalogue = defaultCatalogue()): CompressionSpec {
  const raw = flatten(input);
  const known = new Set([...Object.keys(SPEC_FLAGS), 'pruner', 'scorer']);
  const unknown = Object.keys(raw).filter((k) => !known.has(k));
  if (unknown.length > 0) throw new OptionError('--spec', `unknown field(s) ${unknown.map((k) => `'${k}'`).join(', ')}; expected some of: ${[...known].join(', ')}`);
  const get = <T>(field: string, fallback: T): unknown => (raw[field] === undefined ? fallback : raw[field]);

  const method = get('method', SPEC_DEFAULTS.method);
  const recipe: MethodRecipe = catalogue.get('method', method, '--method').create(createContainer(), {});
  const sparsity = get('sparsity', SPEC_DEFAULTS.sparsity);
  if (typeof sparsity !== 'number' || !Number.isFinite(sparsity) || sparsity < 0 || sparsity >= 1) throw fail('sparsity', 'a number in [0, 1)', sparsity);
  const policy = catalogue.get('policy', get('policy', SPEC_DEFAULTS.policy), '--policy').name;
  const groupsValue = get('groups', SPEC_DEFAULTS.groups);
  const groups = typeof groupsValue === 'string' ? groupsValue.split(',').map((g) => g.trim()).filter(Boolean) : groupsValue;
  if (!Array.isArray(groups) || groups.length === 0 || !groups.every((g) => typeof g === 'string' && g !== '')) {
    throw fail('groups', 'a non-empty list of group kinds (e.g. ffn or ffn,heads)', groupsValue);
  }
  const exportName = catalogue.get('export', get('export', SPEC_DEFAULTS.export), '--export').name;
  const seed = integer('seed', get('seed', SPEC_DEFAULTS.seed), 0);
  const nInit = integer('nInit', get('nInit', SPEC_DEFAULTS.nInit), 1);
  const norm = get('norm', SPEC_DEFAULTS.norm);
  if (norm !== 'l1' && norm !== 'l2') throw fail('norm', 'l1 or l2', norm);

  let fold: FoldSpec | null = null;
  let prune: PruneSpec | null = null;
  if (recipe.action === 'fold') {
    const base = recipe.fold;
    if (!base) throw new OptionError('--method', `method '${String(method)}' folds but its recipe has no folding settings`);
    const pruning = (['pruner', 'scorer'] as const).find((f) => raw[f] !== undefined && raw[f] !== null);
    if (pruning) throw new OptionError(pruning, `is a pruning setting; method '${String(method)}' folds`);
    const cap = get('cap', base.cap);
    if (cap !== 'auto' && (typeof cap !== 'number' || !Number.isInteger(cap) || cap < 2)) throw fail('cap', "'auto' or an integer >= 2", cap);
    fold = {
      clusterer: catalogue.get('clusterer', get('clusterer', base.clusterer), '--clusterer').name,
      cap,
      features: catalogue.get('features', get('features', base.features), '--features').name,
      biasCorrection: bool('biasCorrection', get('biasCorrection', base.biasCorrection)),
      repair: bool('repair', get('repair', base.repair)),
    };
  } else {
    const given = FOLD_FIELDS.filter((f) => raw[f] !== undefined && !(f === 'repair' && raw[f] === false));
    if (given.length > 0) {
      throw new OptionError(SPEC_FLAGS[given[0]], `is a folding setting; method '${String(method)}' prunes (choose a folding method or leave it out)`);
    }
    const base = recipe.prune;
    if (!base) throw new OptionError('--method', `method '${String(method)}' prunes but its recipe names no pruner`);
    const scorer = get('scorer', base.scorer ?? null);
    prune = {
      pruner: catalogue.get('pruner', get('pruner', base.pruner), 'pruner').name,
      scorer: scorer === null ? null : catalogue.get('scorer', scorer, 'scorer').name,
      norm,
    };
  }
  const policyOptions = raw.policyOptions === undefined ? null : raw.policyOptions;
  return { method: String(method), sparsity, policy, policyOptions, groups: [...(groups as string[])], export: exportName, seed, nInit, fold, prune };
}

/**
 * The spec's fields as one flat object: a validated spec (a report's `spec`) nests its folding and
 * pruning settings under `fold` and `prune`; either form is accepted.
 */
function flatten(input: unknown): Record<string, unknown> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new OptionError('--spec', `expected a JSON object, got ${JSON.stringify(input)}`);
  const { fold, prune, ...rest } = input as Record<string, unknown>;
  const nested = (value: unknown, name: string): Record<string, unknown> => {
    if (value === undefined || value === null) return {};
    if (typeof value !== 'object' || Array.isArray(value)) throw new OptionError('--spec', `field '${name}': expected an object or null, got ${JSON.stringify(value)}`);
    return value as Record<string, unknown>;
  };
  return { ...nested(fold, 'fold'), ...nested(prune, 'prune'), ...rest };
}

/** The pipeline's RunOptions of a validated spec. */
export function runOptionsOf(spec: CompressionSpec): RunOptions {
  return {
    method: spec.fold ? 'fold' : 'prune',
    sparsity: spec.sparsity,
    kinds: spec.groups,
    seed: spec.seed,
    nInit: spec.nInit,
    repair: spec.fold?.repair ?? false,
    biasCorrection: spec.fold?.biasCorrection ?? false,
  };
}
