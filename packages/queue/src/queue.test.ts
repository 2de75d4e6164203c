import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Queue } from 'bullmq';
import { OptionError, QueueError, type TensorEngine } from '@speechfold/core';
import { createOnnxruntimeEngine } from '@speechfold/engine-onnxruntime';
import type { ReproduceOptions } from '@speechfold/reproduce';
import { synthesize } from '@speechfold/synth';
import { checkQueueUrl, connect, QUEUE_NAME } from './connection';
import { ATTEMPTS } from './jobs';
import { enqueueReproduction, followReproduction } from './queue';
import { startRedis, type RedisServer } from './testing';
import { startWorker, type WorkerEvent } from './worker';

const TEST_CLEAN = path.resolve(__dirname, '../../../test-data/LibriSpeech/test-clean');

let root: string;
let model: string;
let redis: RedisServer;
let engine: TensorEngine;

beforeAll(async () => {
  redis = await startRedis();
  engine = await createOnnxruntimeEngine();
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'speechfold-queue-unit-'));
  model = path.join(root, 'hubert');
  await synthesize({ arch: 'hubert-tiny', outDir: model, seed: 2 });
}, 60_000);

afterAll(async () => {
  await engine?.dispose();
  await redis?.stop();
  fs.rmSync(root, { recursive: true, force: true });
});

function options(out: string, data: string): ReproduceOptions {
  return { model, data: [data], out, sparsities: [0.5], methods: ['magnitude'], policies: ['uniform'], kinds: ['ffn'], seed: 0, limit: 1, engine };
}

/** A copy of test-clean whose audio files keep their names and sizes (so its fingerprint) but are not FLAC. */
function corruptCopy(dir: string): void {
  fs.cpSync(TEST_CLEAN, dir, { recursive: true });
  const walk = (d: string): void => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.flac')) fs.writeFileSync(full, Buffer.alloc(fs.statSync(full).size));
    }
  };
  walk(dir);
}

describe('queue URLs', () => {
  it('accept redis:// and rediss:// with an optional db number; refuse the rest naming --queue', () => {
    expect(checkQueueUrl('redis://localhost:6379/2').port).toBe('6379');
    expect(checkQueueUrl('rediss://user:pw@host:6380').hostname).toBe('host');
    expect(() => checkQueueUrl('localhost:6379')).toThrow(OptionError);
    expect(() => checkQueueUrl('http://localhost:6379')).toThrow(/option --queue: expected a redis:\/\/ or rediss:\/\/ URL/);
    expect(() => checkQueueUrl('redis://localhost:6379/x')).toThrow(/expected a database number/);
  });

  it('fail in one QueueError, with the password hidden, where no Redis answers; nothing is created', async () => {
    await expect(connect('redis://user:secret@127.0.0.1:1/0', 2000)).rejects.toThrow(QueueError);
    await expect(connect('redis://user:secret@127.0.0.1:1/0', 2000)).rejects.toThrow(/^cannot reach Redis at redis:\/\/user:\*\*\*@127\.0\.0\.1:1\/0/);
    const out = path.join(root, 'never');
    await expect(enqueueReproduction(options(out, TEST_CLEAN), 'redis://127.0.0.1:1/0')).rejects.toThrow(QueueError);
    expect(fs.existsSync(out)).toBe(false);
  });
});

describe('a queued run whose jobs fail', () => {
  it('fails each job after its attempts, keeps the reason, and --wait names it after writing the table', async () => {
    const data = path.join(root, 'test-clean');
    corruptCopy(data);
    const out = path.join(root, 'failing');
    const enqueued = await enqueueReproduction(options(out, data), redis.url);
    expect(enqueued.added.sort()).toEqual(['cell baseline/test-clean', 'model magnitude-uniform-0.50']);
    expect(enqueued.missingCells).toBe(2);

    const events: WorkerEvent[] = [];
    const worker = await startWorker(redis.url, { engine, lockSeconds: 5, onEvent: (e) => events.push(e) });
    try {
      const followed = followReproduction(options(out, data), redis.url, 100);
      await expect(followed).rejects.toThrow(QueueError);
      await expect(followed).rejects.toThrow(/2 job\(s\) failed after their attempts; .*table\.md lists their cells as missing: (.* \| )?cell baseline\/test-clean: .*0000\.flac: unsupported audio/);
    } finally {
      await worker.close();
    }
    // Each cell job ran ATTEMPTS times, the last one final; the model compressed once.
    const failures = events.filter((e): e is Extract<WorkerEvent, { type: 'failed' }> => e.type === 'failed');
    expect(failures.filter((e) => e.label === 'baseline/test-clean').map((e) => e.final)).toEqual([...Array(ATTEMPTS - 1).fill(false), true]);
    expect(events.filter((e) => e.type === 'finished' && e.kind === 'model')).toHaveLength(1);
    // The job keeps its reason in Redis.
    const client = await connect(redis.url);
    const queue = new Queue(QUEUE_NAME, { connection: client });
    try {
      const failed = await queue.getFailed();
      expect(failed.length).toBe(2);
      expect(failed.every((j) => j.attemptsMade === ATTEMPTS && /unsupported audio/.test(j.failedReason))).toBe(true);
    } finally {
      await queue.close();
      client.disconnect();
    }
    // The table was written, listing the cells that could not be computed.
    const results = JSON.parse(fs.readFileSync(path.join(out, 'results.json'), 'utf8')) as { missing: string[] };
    expect(results.missing.sort()).toEqual(['baseline/test-clean', 'magnitude-uniform-0.50/test-clean']);
    // Enqueuing again retries the failed jobs.
    const again = await enqueueReproduction(options(out, data), redis.url);
    expect(again.added.sort()).toEqual(['cell baseline/test-clean', 'cell magnitude-uniform-0.50/test-clean']);
  }, 120_000);
});
