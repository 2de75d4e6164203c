/**
 * The checks every ModelAdapter must pass (docs/adapters.md has the list), three ways:
 * - `checkAdapter(spec)`: runs them all and resolves to the problems found ([] when it passes); plain
 *   code, no test runner needed (a script, a CI step, node:test, anything);
 * - `adapterChecks(spec)`: each check as a named async function that throws a KitFailure (an Error), to
 *   register as tests of any runner;
 * - `runAdapterTestKit(spec, runner?)`: registers them as describe/it blocks: jest's (or vitest's,
 *   mocha's) global describe/it by default, or those passed, e.g. node:test's.
 */
import { EXPORT_CHECKS } from './checks-export';
import { GROUP_CHECKS } from './checks-groups';
import { MODEL_CHECKS } from './checks-model';
import { kitContext, type KitCheck } from './context';
import { messageOf } from './errors';
import type { AdapterTestSpec } from './spec';

/** Every check, in order: detection and validation, fold groups, config rewrite. */
export const KIT_CHECKS: readonly KitCheck[] = [...MODEL_CHECKS, ...GROUP_CHECKS, ...EXPORT_CHECKS];

/** One check bound to a spec. */
export interface AdapterCheck {
  section: string;
  name: string;
  /** Why the check does not apply to this spec, or null. */
  skip: string | null;
  /** Resolves when the adapter passes; rejects with a KitFailure (or what the adapter threw) when not. */
  run(): Promise<void>;
}

/** A failed check: `check` is '<section>: <name>', `message` what failed. */
export interface Problem {
  check: string;
  message: string;
}

/** The kit's checks for `spec`, sharing one model (made once, with seed 1). */
export function adapterChecks(spec: AdapterTestSpec): AdapterCheck[] {
  const ctx = kitContext(spec);
  return KIT_CHECKS.map((c) => ({
    section: c.section,
    name: c.name,
    skip: c.skip?.(spec) ?? null,
    run: async () => {
      await c.run(ctx);
    },
  }));
}

/** Runs every check that applies and resolves to the problems: [] when the adapter passes the kit. */
export async function checkAdapter(spec: AdapterTestSpec): Promise<Problem[]> {
  const problems: Problem[] = [];
  for (const c of adapterChecks(spec)) {
    if (c.skip !== null) continue;
    try {
      await c.run();
    } catch (error) {
      problems.push({ check: `${c.section}: ${c.name}`, message: messageOf(error) });
    }
  }
  return problems;
}

/** The describe/it of a test runner (jest, vitest, mocha, node:test). */
export interface TestRunner {
  describe(name: string, body: () => void): unknown;
  it: ((name: string, body: () => Promise<void>) => unknown) & { skip?: (name: string, body: () => Promise<void>) => unknown };
}

/** The runner's global describe/it (jest injects them), or an Error saying how to pass them. */
function globalRunner(): TestRunner {
  const g = globalThis as { describe?: unknown; it?: unknown };
  if (typeof g.describe !== 'function' || typeof g.it !== 'function') {
    throw new Error(
      'runAdapterTestKit: no global describe/it (jest, vitest with globals, mocha): pass them, ' +
        "e.g. runAdapterTestKit(spec, { describe, it }) with node:test's, or call checkAdapter(spec), which needs no runner",
    );
  }
  return g as TestRunner;
}

/**
 * Registers the kit for `spec` as one describe block per section with one test per check; a check
 * that does not apply is registered as skipped. Call it at the top level of a test file.
 */
export function runAdapterTestKit(spec: AdapterTestSpec, runner: TestRunner = globalRunner()): void {
  const checks = adapterChecks(spec);
  runner.describe(`adapter test kit: ${spec.name ?? spec.adapter.id}`, () => {
    for (const section of [...new Set(checks.map((c) => c.section))]) {
      runner.describe(section, () => {
        for (const c of checks.filter((x) => x.section === section)) {
          if (c.skip === null) runner.it(c.name, c.run);
          else if (runner.it.skip !== undefined) runner.it.skip(`${c.name} (${c.skip})`, c.run);
        }
      });
    }
  });
}
