import { describeFileSystemError, isFileSystemError, SpeechfoldError } from '@speechfold/core';

/**
 * Exit codes: 0 ok, 1 unexpected failure (a bug: stack trace shown), 2 bad input, usage or a
 * filesystem failure (disk full, permission denied: one line naming the path), 130/143 interrupted by
 * SIGINT/SIGTERM (partial output removed).
 */
export const EXIT_OK = 0;
export const EXIT_INTERNAL = 1;
export const EXIT_USAGE = 2;
export const EXIT_SIGINT = 130;
export const EXIT_SIGTERM = 143;

/** A usage problem found by the CLI itself (a missing argument, a path that is not there). */
export class UsageError extends SpeechfoldError {
  constructor(message: string) {
    super('E_USAGE', message);
  }
}

/** Control characters (a newline in a tensor name) escaped, so that an error stays one line. */
export function oneLine(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f]/g, (c) => JSON.stringify(c).slice(1, -1));
}

/** Turns any thrown value into the line to print and the exit code. */
export function describeFailure(error: unknown): { line: string; code: number } {
  if (error instanceof SpeechfoldError) return { line: `speechfold: ${oneLine(error.message)}`, code: EXIT_USAGE };
  // Disk full, permission denied...: the machine's state, not a bug; Node's message names the path.
  if (isFileSystemError(error) && typeof error.path === 'string') {
    return { line: `speechfold: ${oneLine(`${error.path}: ${describeFileSystemError(error)}`)}`, code: EXIT_USAGE };
  }
  const e = error instanceof Error ? error : new Error(String(error));
  return { line: `speechfold: internal error: ${e.stack ?? e.message}`, code: EXIT_INTERNAL };
}
