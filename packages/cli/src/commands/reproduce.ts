import { OptionError, type ProgressListener } from '@speechfold/core';
import { loadEngine, parseEngineId } from '@speechfold/engine-auto';
import { defaultCatalogue } from '@speechfold/presets';
import { reproduce, type ReproduceResult } from '@speechfold/reproduce';
import type { PolicyName } from '@speechfold/sparsity';

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

const list = (value: string): string[] => value.split(',').map((s) => s.trim()).filter(Boolean);

function positiveInt(option: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const x = Number(value);
  if (!Number.isSafeInteger(x) || x < 1) throw new OptionError(option, `expected a positive integer, got '${value}'`);
  return x;
}

/** Checks the options and runs (or resumes) the reproduction. */
export async function runReproduce(opts: ReproduceCommandOptions, command: string, progress: ProgressListener): Promise<ReproduceResult> {
  const sparsities = list(opts.sparsities).map((s) => {
    const x = Number(s);
    if (!(x > 0 && x < 1)) throw new OptionError('--sparsities', `expected numbers in (0, 1), got '${s}'`);
    return x;
  });
  const catalogue = defaultCatalogue();
  const methods = list(opts.methods).map((m) => catalogue.get('method', m, '--methods').name);
  const policies = list(opts.policies).map((p) => {
    if (p !== 'uniform' && p !== 'mixed' && p !== 'schedule') {
      throw new OptionError('--policies', `expected uniform, mixed or schedule (explicit needs a table), got '${p}'`);
    }
    return p as PolicyName;
  });
  const seed = Number(opts.seed);
  if (!Number.isSafeInteger(seed) || seed < 0) throw new OptionError('--seed', `expected a non-negative integer, got '${opts.seed}'`);
  const engine = await loadEngine(parseEngineId(opts.engine), () => undefined);
  try {
    return await reproduce({
      model: opts.model,
      data: list(opts.data),
      out: opts.out,
      sparsities,
      methods,
      policies,
      kinds: list(opts.groups),
      seed,
      limit: positiveInt('--limit', opts.limit),
      maxNewTokens: positiveInt('--max-new-tokens', opts.maxNewTokens),
      command,
      reportOnly: opts.reportOnly === true,
      force: opts.force === true,
      engine,
      progress,
    });
  } finally {
    await engine.dispose();
  }
}
