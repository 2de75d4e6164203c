/**
 * `speechfold reproduce --queue URL [--wait]`: enqueue what a reproduction still needs, and follow it
 * to the end, writing the same table.md, results.json and plots as a local run (jobs.ts for the jobs).
 */
import path from 'node:path';
import type { Job, Queue } from 'bullmq';
import { QueueError, silentProgress, type ProgressListener } from '@speechfold/core';
import { openReproduction, reportReproduction, type ReproduceOptions, type ReproduceResult } from '@speechfold/reproduce';
import { withQueue } from './connection';
import { jobId, jobOptions, pendingJobs, queuedRun, type QueuedRun, type ReproduceJob } from './jobs';

/** What an enqueue did. */
export interface EnqueueResult {
  /** Jobs added now (new, or failed ones retried). */
  added: string[];
  /** Jobs that were already queued or running (a no-op: the same fingerprint). */
  present: string[];
  /** Cells not done yet (those waiting for a model included). */
  missingCells: number;
}

/** The options a job carries, with every path absolute (a worker may run in another dir). */
function absoluteRun(options: ReproduceOptions): QueuedRun {
  const run = queuedRun(options);
  return { ...run, model: path.resolve(run.model), data: run.data.map((d) => path.resolve(d)), out: path.resolve(run.out) };
}

/**
 * Adds `job` unless a job with its id is waiting, running or done; a failed one is retried. Returns
 * whether it added or retried.
 */
export async function addJob(queue: Queue, job: ReproduceJob): Promise<boolean> {
  const existing = (await queue.getJob(jobId(job.kind, job.fingerprint))) as Job | undefined;
  if (existing !== undefined) {
    const state = await existing.getState();
    if (state === 'failed') {
      await existing.retry('failed');
      return true;
    }
    if (state !== 'completed' && state !== 'unknown') return false;
    // Completed, yet its output is missing again (deleted, or recomputed as invalid): run it anew.
    if (state === 'completed') await existing.remove();
  }
  await queue.add(job.kind, job, jobOptions(job));
  return true;
}

/**
 * Checks the run (as a local run does: --out, run.json, fingerprints), records it in --out and
 * enqueues every missing model and cell. Enqueuing again is safe: jobs are keyed by fingerprint.
 * The queue is connected first: an unreachable one leaves no results dir behind.
 */
export async function enqueueReproduction(options: ReproduceOptions, url: string): Promise<EnqueueResult> {
  return withQueue(url, async (queue) => {
    const { jobs, missingCells } = await pendingJobs(await openReproduction(options), absoluteRun(options));
    const result: EnqueueResult = { added: [], present: [], missingCells };
    for (const job of jobs) (await addJob(queue, job) ? result.added : result.present).push(`${job.kind} ${job.label}`);
    return result;
  });
}

/** A failed job of a followed run: what it was for and why it failed (its last attempt's reason). */
export interface FailedJob {
  label: string;
  kind: ReproduceJob['kind'];
  reason: string;
}

/** How often `followReproduction` looks at the out dir and the jobs. */
export const FOLLOW_INTERVAL_MS = 500;

/**
 * Follows a queued run until every cell is done or cannot be (its job or its model's failed for
 * good), reporting progress as 'queue' steps (cells done; item: running and failed counts), then
 * writes table.md, results.json and the plots from the cells, as a local run would. Throws a
 * QueueError naming every failed job and its reason (after writing the table, which lists the cells
 * it could not compute as missing).
 */
export async function followReproduction(
  options: ReproduceOptions,
  url: string,
  intervalMs = FOLLOW_INTERVAL_MS,
): Promise<ReproduceResult> {
  const progress: ProgressListener = options.progress ?? silentProgress;
  const failed = new Map<string, FailedJob>();
  await withQueue(url, async (queue) => {
    const reproduction = await openReproduction({ ...options, progress: silentProgress }, true);
    const total = reproduction.variants.length * reproduction.splits.length;
    const run = absoluteRun(options);
    progress({ type: 'stage', stage: 'queue', total });
    for (;;) {
      const { jobs, missingCells } = await pendingJobs(reproduction, run);
      let running = 0;
      let blocked = 0;
      for (const pending of jobs) {
        const id = jobId(pending.kind, pending.fingerprint);
        const job = (await queue.getJob(id)) as Job | undefined;
        const state = job === undefined ? 'unknown' : await job.getState();
        if (state === 'active') running += 1;
        if (state === 'failed') {
          failed.set(id, { label: pending.label, kind: pending.kind, reason: job?.failedReason ?? 'unknown' });
          // A failed model blocks each of its variant's cells.
          blocked += pending.kind === 'model' ? reproduction.splits.length : 1;
        }
      }
      // A model's cells that are done already do not wait for it.
      blocked = Math.min(blocked, missingCells);
      progress({ type: 'step', stage: 'queue', done: total - missingCells, total, item: `running ${running}, failed ${failed.size}` });
      if (missingCells === blocked) break;
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  });
  const result = await reportReproduction({ ...options, progress: silentProgress });
  if (failed.size > 0) {
    const lines = [...failed.values()].map((f) => `${f.kind} ${f.label}: ${f.reason}`);
    throw new QueueError(
      `${failed.size} job(s) failed after their attempts; ${options.out}/table.md lists their cells as missing: ${lines.join(' | ')}`,
    );
  }
  return result;
}
