import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { OptionError } from './errors';
import { sharedFloat64, splitRange, threadCount, ThreadPool } from './threads';

describe('splitRange', () => {
  it('splits [0, n) into nearly equal, non-empty, contiguous pieces', () => {
    expect(splitRange(10, 3)).toEqual([
      [0, 3],
      [3, 6],
      [6, 10],
    ]);
    expect(splitRange(2, 4)).toEqual([
      [0, 1],
      [1, 2],
    ]);
    expect(splitRange(0, 2)).toEqual([]);
  });
});

describe('threadCount', () => {
  it('reads SPEECHFOLD_THREADS, else the available parallelism; refuses a bad value naming it', () => {
    expect(threadCount({ SPEECHFOLD_THREADS: '3' })).toBe(3);
    expect(threadCount({})).toBe(Math.max(1, os.availableParallelism()));
    for (const bad of ['0', '1.5', 'many', '-2']) {
      expect(() => threadCount({ SPEECHFOLD_THREADS: bad })).toThrow(OptionError);
      expect(() => threadCount({ SPEECHFOLD_THREADS: bad })).toThrow(/SPEECHFOLD_THREADS.*expected an integer/);
    }
  });
});

describe('ThreadPool', () => {
  // A kernel module of its own (plain JS): fills out[i] = i * i on [from, to) and records its thread.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'speechfold-threads-'));
  const module = path.join(dir, 'kernels');
  fs.writeFileSync(
    `${module}.js`,
    `const { threadId } = require('node:worker_threads');
exports.squares = ({ out, threads, from, to }) => { for (let i = from; i < to; i++) { out[i] = i * i; threads[i] = threadId; } };
exports.fails = () => { throw new Error('kernel failed on purpose'); };`,
  );
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('runs the pieces of a task on its threads, sharing the output arrays', async () => {
    const pool = new ThreadPool(2);
    try {
      const out = sharedFloat64(1000);
      const threads = sharedFloat64(1000);
      await pool.run(splitRange(1000, 4).map(([from, to]) => ({ module, kernel: 'squares', args: { out, threads, from, to } })));
      expect(Array.from(out)).toEqual(Array.from({ length: 1000 }, (_, i) => i * i));
      // Worker threads (id > 0), not this one; at most two of them.
      const ids = new Set(threads);
      expect([...ids].every((id) => id > 0)).toBe(true);
      expect(ids.size).toBeGreaterThanOrEqual(1);
      expect(ids.size).toBeLessThanOrEqual(2);
    } finally {
      await pool.close();
    }
  });

  it('runs everything in the calling thread with one thread', async () => {
    const pool = new ThreadPool(1);
    const out = sharedFloat64(10);
    const threads = sharedFloat64(10).fill(-1);
    await pool.run(splitRange(10, 3).map(([from, to]) => ({ module, kernel: 'squares', args: { out, threads, from, to } })));
    expect(out[9]).toBe(81);
    expect(new Set(threads)).toEqual(new Set([0]));
  });

  it('rejects with the kernel’s error and stays usable', async () => {
    const pool = new ThreadPool(2);
    try {
      const task = { module, kernel: 'fails', args: {} };
      await expect(pool.run([task, task])).rejects.toThrow(/kernel failed on purpose/);
      const missing = { module, kernel: 'nothing', args: {} };
      await expect(pool.run([missing, missing])).rejects.toThrow(/exports no function nothing/);
      const out = sharedFloat64(4);
      const threads = sharedFloat64(4);
      await pool.run([0, 2].map((from) => ({ module, kernel: 'squares', args: { out, threads, from, to: from + 2 } })));
      expect(Array.from(out)).toEqual([0, 1, 4, 9]);
    } finally {
      await pool.close();
    }
  });

  it('replaces a worker once it has been handed recycleBytes of shared arrays', async () => {
    const pool = new ThreadPool(2, 6000);
    try {
      const ids: number[] = [];
      for (let round = 0; round < 3; round++) {
        const out = sharedFloat64(200); // with threads: 3200 bytes a task, so a worker is replaced after its second
        const threads = sharedFloat64(200);
        await pool.run([0, 100].map((from) => ({ module, kernel: 'squares', args: { out, threads, from, to: from + 100 } })));
        ids.push(...new Set(threads));
        expect(out[199]).toBe(199 * 199);
      }
      // Rounds 1 and 2 run on the same two workers (6400 bytes each by then); round 3 on new ones.
      expect(new Set(ids.slice(0, 4)).size).toBeLessThanOrEqual(2);
      expect(ids.slice(4).some((id) => !ids.slice(0, 4).includes(id))).toBe(true);
    } finally {
      await pool.close();
    }
  });

  it('counts an array handed again only once towards recycleBytes', async () => {
    const pool = new ThreadPool(2, 6000);
    try {
      const out = sharedFloat64(200);
      const threads = sharedFloat64(200);
      const ids = new Set<number>();
      for (let round = 0; round < 5; round++) {
        threads.fill(0);
        await pool.run([0, 100].map((from) => ({ module, kernel: 'squares', args: { out, threads, from, to: from + 100 } })));
        for (const id of threads) ids.add(id);
      }
      expect(ids.size).toBeLessThanOrEqual(2);
    } finally {
      await pool.close();
    }
  });

  it('refuses a size that is not a positive integer', () => {
    expect(() => new ThreadPool(0)).toThrow(OptionError);
  });
});
