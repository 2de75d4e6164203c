import { OptionError, type Catalogue, type ProgressListener } from '@speechfold/core';
import { defaultCatalogue } from '@speechfold/presets';
import { enqueueReproduction, followReproduction, type EnqueueResult } from '@speechfold/queue';
import { reproduce, type ReproduceOptions, type ReproduceResult } from '@speechfold/reproduce';
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
  /** Redis URL: enqueue the missing models and cells as BullMQ jobs instead of computing them here. */
  queue?: string;
  /** With --queue: follow the jobs to the end and write the results. */
  wait?: boolean;
}

/** What `speechfold reproduce` did: computed here, or enqueued (and, with --wait, followed). */
export type ReproduceOutcome =
  | { kind: 'results'; result: ReproduceResult; enqueued: EnqueueResult | null }
  | { kind: 'enqueued'; enqueued: EnqueueResult };

/**
 * The policies a reproduction can compare: the catalogue's, less those that need a per-layer table
 * (a policy file) to run at all.
 */
export function reproduciblePolicies(catalogue: Catalogue = defaultCatalogue()): string[] {
  return catalogue.names('policy').filter((p) => !NEEDS_TABLE.has(p));
}

const NEEDS_TABLE = new Set(['explicit']);

/**
 * Checks the options and runs (or resumes) the reproduction here, or with --queue enqueues it (and
 * with --wait follows it). Methods and policies are those of the shipped catalogue, which the
 * reproduce package compresses with; `catalogue` provides the engine.
 */
export async function runReproduce(
  opts: ReproduceCommandOptions,
  command: string,
  progress: ProgressListener,
  catalogue: Catalogue = defaultCatalogue(),
): Promise<ReproduceOutcome> {
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
  if (opts.wait && opts.queue === undefined) throw new OptionError('--wait', 'follows queued jobs: it needs --queue <redis-url>');
  if (opts.queue !== undefined && opts.reportOnly) {
    throw new OptionError('--report-only', 'writes the table from the cells on disk and needs no queue: drop --queue');
  }
  // The engine's choice is not part of reproduce's output: its notes are dropped.
  return withEngine(catalogue, opts.engine, () => undefined, async (engine) => {
    const options: ReproduceOptions = {
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
    };
    if (opts.queue === undefined) return { kind: 'results', result: await reproduce(options), enqueued: null };
    const enqueued = await enqueueReproduction(options, opts.queue);
    if (!opts.wait) return { kind: 'enqueued', enqueued };
    return { kind: 'results', result: await followReproduction(options, opts.queue), enqueued };
  });
}

/**
 * The command line recorded in table.md and results.json: the arguments as typed, less --queue <url>
 * and --wait, which say where the cells were computed, not what they are (a queued run's table is
 * the same as a local run's).
 */
export function recordedCommand(argv: readonly string[]): string {
  const kept: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--wait' || argv[i]!.startsWith('--queue=')) continue;
    if (argv[i] === '--queue') {
      i++;
      continue;
    }
    kept.push(argv[i]!);
  }
  return ['speechfold', ...kept].join(' ');
}

/** The summary line(s) of `speechfold reproduce`. */
export function formatReproduceOutcome(outcome: ReproduceOutcome, opts: ReproduceCommandOptions): string {
  const queued = (e: EnqueueResult): string =>
    `enqueued ${e.added.length} job(s) on ${opts.queue} (${e.present.length} already queued); ${e.missingCells} cell(s) to compute\n`;
  if (outcome.kind === 'enqueued') {
    return (
      queued(outcome.enqueued) +
      `run workers with: speechfold worker --queue ${opts.queue}\n` +
      `follow and write the table with the same command plus --wait\n`
    );
  }
  const head = outcome.enqueued === null ? '' : queued(outcome.enqueued);
  return `${head}wrote ${opts.out}/table.md, results.json and plots (${outcome.result.cells.length} cells)\n`;
}
