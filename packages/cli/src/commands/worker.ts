import type { Catalogue } from '@speechfold/core';
import { startWorker, type WorkerEvent } from '@speechfold/queue';
import { withEngine } from '../command-run';
import type { CliIO } from '../io';
import { positiveInt } from '../options';

/** Options of `speechfold worker`, as commander parses them. */
export interface WorkerCommandOptions {
  queue: string;
  concurrency: string;
  lockSeconds: string;
  engine: string;
}

/** One line per worker event (what started, finished or failed). */
export function formatWorkerEvent(event: WorkerEvent, queue: string): string {
  switch (event.type) {
    case 'ready':
      return `worker ready on ${queue} (concurrency ${event.concurrency}); Ctrl-C stops it\n`;
    case 'started':
      return `started ${event.kind} ${event.label}${event.attempt > 1 ? ` (attempt ${event.attempt})` : ''}\n`;
    case 'finished':
      return event.computed
        ? `finished ${event.kind} ${event.label} in ${event.seconds.toFixed(1)} s\n`
        : `skipped ${event.kind} ${event.label}: done already\n`;
    case 'failed':
      return `failed ${event.kind} ${event.label}: ${event.reason}${event.final ? ' (no attempts left)' : ' (will be retried)'}\n`;
  }
}

/**
 * Runs a worker until the process is stopped (SIGINT/SIGTERM: the running job is left to another
 * worker, as for a killed one).
 */
export async function runWorker(opts: WorkerCommandOptions, io: CliIO, catalogue: Catalogue): Promise<void> {
  const concurrency = positiveInt('--concurrency', opts.concurrency)!;
  const lockSeconds = positiveInt('--lock-seconds', opts.lockSeconds)!;
  await withEngine(catalogue, opts.engine, () => undefined, async (engine) => {
    await startWorker(opts.queue, {
      concurrency,
      lockSeconds,
      engine,
      onEvent: (event) => io.stdout(formatWorkerEvent(event, opts.queue)),
    });
    // Runs until the process is stopped.
    await new Promise<never>(() => undefined);
  });
}
