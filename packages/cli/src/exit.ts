import { SpeechfoldError } from '@speechfold/core';

/** Exit codes: 0 ok, 1 unexpected failure (a bug: stack trace shown), 2 bad input or usage. */
export const EXIT_OK = 0;
export const EXIT_INTERNAL = 1;
export const EXIT_USAGE = 2;

/** A usage problem found by the CLI itself (a missing argument, a path that is not there). */
export class UsageError extends SpeechfoldError {
  constructor(message: string) {
    super('E_USAGE', message);
  }
}

/** Turns any thrown value into the line to print and the exit code. */
export function describeFailure(error: unknown): { line: string; code: number } {
  if (error instanceof SpeechfoldError) return { line: `speechfold: ${error.message}`, code: EXIT_USAGE };
  const e = error instanceof Error ? error : new Error(String(error));
  return { line: `speechfold: internal error: ${e.stack ?? e.message}`, code: EXIT_INTERNAL };
}
