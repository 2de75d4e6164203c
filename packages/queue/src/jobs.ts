/**
 * A reproduce grid as BullMQ jobs. Two kinds of job, each keyed by the fingerprint of what it
 * produces (reproduce's fingerprint.ts: model hash, data, limit, seed, options, version), so adding
 * one twice is a no-op and a cell is computed once however many workers or retries:
 *
 * - `model`: compress one variant into <out>/models (skipped when it is there); on success it enqueues
 *   the variant's missing cells.
 * - `cell`: evaluate one variant on one split into <out>/cells (skipped when the cell is there).
 *
 * Results are written atomically into the shared out dir by reproduce's own code, so a queued run's
 * cells are those a local run would write, and the table is written from them by the same renderer.
 * A worker killed mid-job leaves its job locked until the lock expires; BullMQ's stalled-job check
 * then gives it to another worker (twice at most). A job that throws has ATTEMPTS attempts; the
 * failure reason is kept on the job.
 */
import type { JobsOptions } from 'bullmq';
import { pendingWork, type ReproduceOptions, type Reproduction, type Variant } from '@speechfold/reproduce';

/** Attempts per job that throws before it is failed for good (stalls: see the worker's maxStalledCount). */
export const ATTEMPTS = 3;

/** The reproduce options a job carries: everything but the engine (the worker's) and the listeners. */
export type QueuedRun = Omit<ReproduceOptions, 'engine' | 'progress' | 'reportOnly' | 'force'>;

/** The data of a job. */
export interface ReproduceJob {
  kind: 'model' | 'cell';
  run: QueuedRun;
  variant: string;
  /** The split index (cell jobs). */
  split: number | null;
  /** The fingerprint of the model or cell it produces (also in its job id). */
  fingerprint: string;
  /** What it produces, for messages: 'fold-uniform-0.20' or 'fold-uniform-0.20/test-clean'. */
  label: string;
}

/** The job id of a model or cell: its kind and fingerprint (BullMQ ids may not contain ':'). */
export function jobId(kind: ReproduceJob['kind'], fingerprint: string): string {
  return `${kind}-${fingerprint}`;
}

/** BullMQ options of every job: its id, attempts with a short fixed backoff, kept when finished. */
export function jobOptions(job: ReproduceJob): JobsOptions {
  return {
    jobId: jobId(job.kind, job.fingerprint),
    attempts: ATTEMPTS,
    backoff: { type: 'fixed', delay: 1000 },
    // Kept: a finished job's id keeps a second enqueue of it a no-op, a failed one keeps its reason.
    removeOnComplete: false,
    removeOnFail: false,
  };
}

/** The job of a variant's model. */
export function modelJob(run: QueuedRun, variant: Variant, fingerprint: string): ReproduceJob {
  return { kind: 'model', run, variant: variant.id, split: null, fingerprint, label: variant.id };
}

/** The job of one cell. */
export function cellJob(run: QueuedRun, variant: Variant, split: number, fingerprint: string, splitName: string): ReproduceJob {
  return { kind: 'cell', run, variant: variant.id, split, fingerprint, label: `${variant.id}/${splitName}` };
}

/** The options of a queued run, without the parts a job does not carry. */
export function queuedRun(options: ReproduceOptions): QueuedRun {
  const { engine: _engine, progress: _progress, reportOnly: _reportOnly, force: _force, ...run } = options;
  return run;
}

/**
 * The jobs a reproduction still needs (reproduce's pendingWork: the missing models, and the missing
 * cells whose model is there), each carrying `run`; and how many cells are missing in all.
 */
export async function pendingJobs(reproduction: Reproduction, run: QueuedRun): Promise<{ jobs: ReproduceJob[]; missingCells: number }> {
  const pending = await pendingWork(reproduction);
  const jobs = [
    ...pending.models.map((m) => modelJob(run, m.variant, m.fingerprint)),
    ...pending.cells.map((c) => cellJob(run, c.variant, c.split, c.fingerprint, reproduction.splits[c.split]!)),
  ];
  return { jobs, missingCells: pending.missingCells };
}
