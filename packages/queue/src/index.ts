export { checkQueueUrl, connect, describeUrl, QUEUE_NAME } from './connection';
export { ATTEMPTS, jobId, type QueuedRun, type ReproduceJob } from './jobs';
export { enqueueReproduction, followReproduction, FOLLOW_INTERVAL_MS, type EnqueueResult, type FailedJob } from './queue';
export { startWorker, type RunningWorker, type WorkerEvent, type WorkerOptions } from './worker';
