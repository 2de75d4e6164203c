/**
 * SIGINT and SIGTERM while a command runs: every partial output dir registered in core is removed,
 * one line is printed, and the process exits 130 (SIGINT) or 143 (SIGTERM), as shells report them.
 * Installed by the `speechfold` executable only; in-process callers of `main` keep their own handlers.
 */
import { removePartialDirs } from '@speechfold/core';
import type { CliIO } from './io';
import { EXIT_SIGINT, EXIT_SIGTERM } from './exit';

const CODES = { SIGINT: EXIT_SIGINT, SIGTERM: EXIT_SIGTERM } as const;

/** Installs the handlers; `exit` is process.exit (injectable for tests). Returns a function that removes them. */
export function installSignalHandlers(io: CliIO, exit: (code: number) => void = (code) => process.exit(code)): () => void {
  let stopping = false;
  const handlers = (Object.keys(CODES) as (keyof typeof CODES)[]).map((signal) => {
    const handler = (): void => {
      if (stopping) return; // a second signal while cleaning up changes nothing
      stopping = true;
      void removePartialDirs().then((removed) => {
        const what = removed.length > 0 ? `; removed the partial output ${removed.join(', ')}` : '';
        io.stderr(`speechfold: interrupted by ${signal}${what}\n`);
        exit(CODES[signal]);
      });
    };
    process.on(signal, handler);
    return () => void process.off(signal, handler);
  });
  return () => handlers.forEach((off) => off());
}
