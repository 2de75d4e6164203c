/**
 * The kit's assertions: plain functions that throw a KitFailure (an Error) with a message naming what
 * failed, so the checks run under any test runner or none. Errors are recognised by their stable
 * `code` (E_MODEL, E_OPTION, ...), not by class identity, so an adapter built against another copy of
 * @speechfold/core is judged the same way.
 */
import type { ErrorSubject } from '@speechfold/core';
import { messageOf } from './errors';

/** What a failed kit check throws: an Error whose message says what the adapter did wrong. */
export class KitFailure extends Error {
  override readonly name = 'KitFailure';
}

/** Fails the check. */
export function fail(message: string): never {
  throw new KitFailure(message);
}

/** Fails unless `condition`, with `message`. */
export function check(condition: boolean, message: string): asserts condition {
  if (!condition) fail(message);
}

/** Fails listing every problem when there are any. */
export function noProblems(problems: readonly string[], what: string): void {
  if (problems.length > 0) fail(`${what}:\n  ${problems.join('\n  ')}`);
}

/** Runs `run`; fails naming `what` and the error when it throws. */
export function doesNotThrow<T>(run: () => T, what: string): T {
  try {
    return run();
  } catch (error) {
    return fail(`${what} threw: ${messageOf(error)}`);
  }
}

/** A value as JSON sees it (undefined properties dropped), for comparing configs. */
function json(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

/** Fails unless `actual` and `expected` are the same JSON (key order ignored). */
export function sameJson(actual: unknown, expected: unknown, what: string): void {
  const a = json(actual);
  const e = json(expected);
  if (a !== e) fail(`${what}: expected ${e.length > 600 ? `${e.slice(0, 600)}...` : e}, got ${a.length > 600 ? `${a.slice(0, 600)}...` : a}`);
}

/** A speechfold error as the kit sees it: a stable code and the subject it names. */
export interface KitError {
  code: string;
  subject: ErrorSubject;
  message: string;
}

/** `error` if it is a speechfold error (of `code` when given: 'E_MODEL', 'E_OPTION', ...), else a failure naming `what`. */
export function speechfoldError(error: unknown, what: string, code?: string): KitError {
  const e = error as Partial<KitError> | undefined;
  const ok =
    error instanceof Error && typeof e?.code === 'string' && e.code.startsWith('E_') && typeof e.subject === 'object' && e.subject !== null;
  const kind = code === 'E_MODEL' ? 'a ModelError' : code === 'E_OPTION' ? 'an OptionError' : 'a speechfold error';
  if (!ok || (code !== undefined && e?.code !== code)) {
    fail(`${what}: expected ${kind}, ${error === undefined ? 'nothing was thrown' : `got ${messageOf(error)}`}`);
  }
  return error as unknown as KitError;
}
