import { OptionError, type Catalogue, type ProgressListener } from '@speechfold/core';
import { defaultCatalogue } from '@speechfold/presets';
import { reproduce, type ReproduceResult } from '@speechfold/reproduce';
import { withEngine } from '../command-run';
import { list, nonNegativeInt, positiveInt } from '../options';

/** Options of `speechfold reproduce`, as commander parses them. */
export interface ReproduceCommandOptions {
  model: string;
  data: string;
  out: string;
  sparsities: string;
  methods: string;
  policies: string;
  groups: string;
  seed: string;
  limit?: string;
  maxNewTokens?: string;
  engine: string;
  reportOnly?: boolean;
  /** When --out holds a run of other inputs: delete its cells and models and start afresh (else refused). */
  force?: boolean;
}

/**
 * The policies a reproduction can compare: the catalogue's, less those that need a per-layer table
 * (a policy file) to run at all.
 */
export function reproduciblePolicies(catalogue: Catalogue = defaultCatalogue()): string[] {
  return catalogue.names('policy').filter((p) => !NEEDS_TABLE.has(p));
}

const NEEDS_TABLE = new Set(['explicit']);

/**
 * Checks the options and runs (or resumes) the reproduction. Methods and policies are those of the
 * shipped catalogue, which the reproduce package compresses with; `catalogue` provides the engine.
 */
export async function runReproduce(
  opts: ReproduceCommandOptions,
  command: string,
  progress: ProgressListener,
  catalogue: Catalogue = defaultCatalogue(),
): Promise<ReproduceResult> {
  const sparsities = list(opts.sparsities).map((s) => {
    const x = Number(s);
    if (!(x > 0 && x < 1)) throw new OptionError('--sparsities', `expected numbers in (0, 1), got '${s}'`);
    return x;
  });
  const shipped = defaultCatalogue();
  const methods = list(opts.methods).map((m) => shipped.get('method', m, '--methods').name);
  const allowed = reproduciblePolicies(shipped);
  const policies = list(opts.policies).map((p) => {
    if (!allowed.includes(p)) {
      throw new OptionError('--policies', `expected ${allowed.join(', ')} (${[...NEEDS_TABLE].join(', ')} needs a table), got '${p}'`);
    }
    return p;
  });
  const seed = nonNegativeInt('--seed', opts.seed);
  const limit = positiveInt('--limit', opts.limit);
  const maxNewTokens = positiveInt('--max-new-tokens', opts.maxNewTokens);
  // The engine's choice is not part of reproduce's output: its notes are dropped.
  return withEngine(catalogue, opts.engine, () => undefined, (engine) =>
    reproduce({
      model: opts.model,
      data: list(opts.data),
      out: opts.out,
      sparsities,
      methods,
      policies,
      kinds: list(opts.groups),
      seed,
      limit,
      maxNewTokens,
      command,
      reportOnly: opts.reportOnly === true,
      force: opts.force === true,
      engine,
      progress,
    }),
  );
}
