/**
 * `speechfold worker --queue URL`: runs reproduce jobs (jobs.ts) on this machine until stopped. It
 * needs the same model and data paths as the machine that enqueued them (or a shared directory),
 * and write access to the run's out dir.
 */
import { Queue, Worker, type Job } from 'bullmq';
import { OptionError, type TensorEngine } from '@speechfold/core';
import { computeCell, computeModel, openReproduction } from '@speechfold/reproduce';
import { connect, QUEUE_NAME } from './connection';
import { pendingJobs, type ReproduceJob } from './jobs';
import { addJob } from './queue';

/** What a worker reports (the CLI prints it). */
export type WorkerEvent =
  | { type: 'ready'; concurrency: number }
  | { type: 'started'; kind: ReproduceJob['kind']; label: string; attempt: number }
  | { type: 'finished'; kind: ReproduceJob['kind']; label: string; computed: boolean; seconds: number }
  | { type: 'failed'; kind: ReproduceJob['kind']; label: string; reason: string; final: boolean };

export interface WorkerOptions {
  concurrency?: number;
  /**
   * Seconds a job stays locked to this worker without a renewal (the lock is renewed at half of it
   * while the job runs): a killed worker's job goes to another worker after about this long. 30 by default.
   */
  lockSeconds?: number;
  engine: TensorEngine;
  onEvent?: (event: WorkerEvent) => void;
}

/** A running worker: `close()` lets the running jobs finish and stops. */
export interface RunningWorker {
  close(): Promise<void>;
}

/** Runs one job: compress (then enqueue the variant's cells) or evaluate. Returns whether it computed. */
async function runJob(job: ReproduceJob, engine: TensorEngine, queue: Queue): Promise<boolean> {
  // Read-only: run.json is the enqueuer's, and must agree with the inputs as this machine sees them.
  const reproduction = await openReproduction({ ...job.run, engine }, true);
  if (job.kind === 'model') {
    const computed = await computeModel(reproduction, job.variant, job.fingerprint);
    // The cells can run now: enqueued by whichever attempt finishes the model (a no-op when present).
    const { jobs } = await pendingJobs(reproduction, job.run);
    for (const cell of jobs.filter((j) => j.kind === 'cell' && j.variant === job.variant)) await addJob(queue, cell);
    return computed;
  }
  return computeCell(reproduction, job.variant, job.split!, job.fingerprint);
}

/** Starts a worker on the queue at `url`; QueueError when Redis cannot be reached. */
export async function startWorker(url: string, options: WorkerOptions): Promise<RunningWorker> {
  const concurrency = options.concurrency ?? 1;
  if (!(Number.isInteger(concurrency) && concurrency >= 1)) throw new OptionError('--concurrency', `expected an integer >= 1, got ${concurrency}`);
  const lockSeconds = options.lockSeconds ?? 30;
  if (!(lockSeconds >= 1 && lockSeconds <= 3600)) throw new OptionError('--lock-seconds', `expected a number of seconds in [1, 3600], got ${lockSeconds}`);
  const emit = options.onEvent ?? (() => undefined);
  const client = await connect(url);
  const queue = new Queue(QUEUE_NAME, { connection: client });
  const worker = new Worker<ReproduceJob>(
    QUEUE_NAME,
    async (job: Job<ReproduceJob>) => {
      const started = Date.now();
      emit({ type: 'started', kind: job.data.kind, label: job.data.label, attempt: job.attemptsMade + 1 });
      const computed = await runJob(job.data, options.engine, queue);
      emit({ type: 'finished', kind: job.data.kind, label: job.data.label, computed, seconds: (Date.now() - started) / 1000 });
      return { computed };
    },
    {
      connection: client,
      // Started below, once connected and reported ready.
      autorun: false,
      concurrency,
      lockDuration: lockSeconds * 1000,
      // Stalled jobs (their worker died) are looked for as often as a lock can expire.
      stalledInterval: lockSeconds * 1000,
      // A job whose worker died goes back to the queue twice at most: one that keeps killing its
      // workers (out of memory, say) fails for good instead of taking every worker down in turn.
      maxStalledCount: 2,
    },
  );
  worker.on('failed', (job, error) => {
    if (job === undefined) return;
    const final = job.attemptsMade >= (job.opts.attempts ?? 1);
    emit({ type: 'failed', kind: job.data.kind, label: job.data.label, reason: error.message, final });
  });
  // Errors of the connection are retried by ioredis; a job's errors fail the job (above).
  worker.on('error', () => undefined);
  await worker.waitUntilReady();
  emit({ type: 'ready', concurrency });
  const running = worker.run();
  return {
    async close() {
      await worker.close();
      await running;
      await queue.close();
      client.disconnect();
    },
  };
}
