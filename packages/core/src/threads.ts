/**
 * A small pool of worker threads for the JS numeric loops of a method (fold's probe sums and pair
 * costs), so that they use every core. A task names a module file and one of its exported functions
 * (a "kernel"); the kernel reads its inputs from and writes its outputs into typed arrays on
 * SharedArrayBuffers, so nothing large is copied between threads and the result is the same bytes
 * whichever thread computed which part.
 *
 * Threads: `SPEECHFOLD_THREADS` (an integer >= 1) or the machine's available parallelism. With one
 * thread every task runs in the calling thread. Idle workers do not keep the process alive.
 *
 * A worker allocates almost nothing itself, so its garbage collector rarely runs and the shared
 * arrays of past tasks would stay alive with it: a worker that has been handed RECYCLE_BYTES of
 * distinct shared arrays (one handed again is not counted again) is replaced by a fresh one, which
 * bounds the memory they hold.
 *
 * Running from the TypeScript sources (tests): a kernel module given as `x` resolves to `x.js` when
 * built and `x.ts` otherwise; a worker loads a `.ts` kernel through the repo's tools/ts-register.cjs
 * (@swc/core, a dev dependency; `@speechfold/<name>` mapped to `packages/<name>/src`), as jest does.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { OptionError } from './errors';

/** A worker is replaced after it has been handed this many bytes of shared arrays (see above). */
export const RECYCLE_BYTES = 192 * 2 ** 20;

/** The bytes of the SharedArrayBuffers an argument object reaches that are not in `seen` (then added to it). */
function sharedBytes(args: unknown, seen: WeakSet<SharedArrayBuffer>): number {
  if (ArrayBuffer.isView(args)) {
    const buffer = args.buffer;
    if (!(buffer instanceof SharedArrayBuffer) || seen.has(buffer)) return 0;
    seen.add(buffer);
    return buffer.byteLength;
  }
  if (args === null || typeof args !== 'object') return 0;
  let sum = 0;
  for (const value of Object.values(args)) sum += sharedBytes(value, seen);
  return sum;
}

/** One call of an exported function of a module: `require(module)[kernel](args)`. */
export interface ThreadTask {
  /** Absolute path of the module without extension (`path.join(__dirname, 'kernels')`). */
  module: string;
  kernel: string;
  /** Structured-cloneable arguments; typed arrays on SharedArrayBuffers are shared, not copied. */
  args: unknown;
}

/** The number of threads to use: SPEECHFOLD_THREADS, else the available parallelism. */
export function threadCount(env: NodeJS.ProcessEnv = process.env): number {
  const value = env.SPEECHFOLD_THREADS;
  if (value === undefined || value === '') return Math.max(1, os.availableParallelism());
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 1024) {
    throw new OptionError('SPEECHFOLD_THREADS', `expected an integer in [1, 1024], got '${value}'`);
  }
  return n;
}

/** A Float32Array of `length` on a SharedArrayBuffer (a copy of `from` when given). */
export function sharedFloat32(length: number, from?: ArrayLike<number>): Float32Array {
  const out = new Float32Array(new SharedArrayBuffer(4 * length));
  if (from !== undefined) out.set(from);
  return out;
}

/** A Float64Array of `length` on a SharedArrayBuffer. */
export function sharedFloat64(length: number): Float64Array {
  return new Float64Array(new SharedArrayBuffer(8 * length));
}

/** An Int32Array of `length` on a SharedArrayBuffer (a copy of `from` when given). */
export function sharedInt32(length: number, from?: ArrayLike<number>): Int32Array {
  const out = new Int32Array(new SharedArrayBuffer(4 * length));
  if (from !== undefined) out.set(from);
  return out;
}

/** [from, to) ranges that split [0, n) into at most `parts` nearly equal, non-empty pieces. */
export function splitRange(n: number, parts: number): [number, number][] {
  const count = Math.max(1, Math.min(parts, n));
  const out: [number, number][] = [];
  for (let p = 0; p < count; p++) out.push([Math.floor((p * n) / count), Math.floor(((p + 1) * n) / count)]);
  return out.filter(([a, b]) => b > a);
}

/** The file a kernel module loads from: the built `.js`, else the `.ts` source. */
function moduleFile(module: string): string {
  for (const ext of ['.js', '.ts']) if (fs.existsSync(module + ext)) return module + ext;
  throw new OptionError('kernel module', `no ${module}.js or ${module}.ts`);
}

// The worker's whole program (CommonJS, run with eval): load kernels, run tasks, report errors.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const path = require('node:path');
// Running from the sources: the repo's tools/ts-register.cjs loads .ts kernels as jest does.
const hookTypeScript = () => require(path.join(workerData.packages, '..', 'tools', 'ts-register.cjs'));
parentPort.on('message', ({ id, file, kernel, args }) => {
  try {
    if (file.endsWith('.ts')) hookTypeScript();
    const fn = require(file)[kernel];
    if (typeof fn !== 'function') throw new Error(file + ' exports no function ' + kernel);
    fn(args);
    parentPort.postMessage({ id, error: null });
  } catch (error) {
    parentPort.postMessage({ id, error: String(error && error.stack || error) });
  }
});
`;

interface Pending {
  resolve: () => void;
  reject: (error: Error) => void;
}

/** A fixed set of worker threads running ThreadTasks; see the module comment. */
export class ThreadPool {
  private readonly workers: Worker[] = [];
  private readonly idle: Worker[] = [];
  private readonly queue: { task: ThreadTask; file: string; pending: Pending }[] = [];
  private readonly inFlight = new Map<number, { worker: Worker; pending: Pending }>();
  /** Bytes of the distinct shared arrays handed to each worker (see RECYCLE_BYTES), and which. */
  private readonly carried = new Map<Worker, number>();
  private readonly handed = new Map<Worker, WeakSet<SharedArrayBuffer>>();
  private nextId = 0;

  /** `size` threads (1: every task runs in the calling thread); a worker is replaced after `recycleBytes`. */
  constructor(
    readonly size: number = threadCount(),
    private readonly recycleBytes: number = RECYCLE_BYTES,
  ) {
    if (!Number.isInteger(size) || size < 1) throw new OptionError('threads', `expected an integer >= 1, got ${size}`);
  }

  /** Runs the tasks (on the pool's threads, or here with one thread); resolves when all are done. */
  async run(tasks: readonly ThreadTask[]): Promise<void> {
    if (this.size === 1 || tasks.length === 1) {
      for (const task of tasks) this.runHere(task);
      return;
    }
    await Promise.all(tasks.map((task) => this.submit(task)));
  }

  /** Stops the workers (a later run starts new ones). */
  async close(): Promise<void> {
    const workers = this.workers.splice(0);
    this.idle.length = 0;
    this.carried.clear();
    this.handed.clear();
    await Promise.all(workers.map((w) => w.terminate()));
  }

  private runHere(task: ThreadTask): void {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const fn = require(moduleFile(task.module))[task.kernel] as ((args: unknown) => void) | undefined;
    if (typeof fn !== 'function') throw new OptionError('kernel', `${task.module} exports no function ${task.kernel}`);
    fn(task.args);
  }

  private submit(task: ThreadTask): Promise<void> {
    const file = moduleFile(task.module);
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ task, file, pending: { resolve, reject } });
      this.dispatch();
    });
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      const worker = this.idle.pop() ?? (this.workers.length < this.size ? this.spawn() : undefined);
      if (worker === undefined) return;
      const { task, file, pending } = this.queue.shift()!;
      const id = this.nextId++;
      this.inFlight.set(id, { worker, pending });
      if (!this.handed.has(worker)) this.handed.set(worker, new WeakSet());
      this.carried.set(worker, (this.carried.get(worker) ?? 0) + sharedBytes(task.args, this.handed.get(worker)!));
      worker.ref();
      worker.postMessage({ id, file, kernel: task.kernel, args: task.args });
    }
  }

  private spawn(): Worker {
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { packages: path.resolve(__dirname, '..', '..') } });
    worker.unref();
    worker.on('message', ({ id, error }: { id: number; error: string | null }) => {
      const entry = this.inFlight.get(id);
      if (entry === undefined) return;
      this.inFlight.delete(id);
      worker.unref();
      if ((this.carried.get(worker) ?? 0) < this.recycleBytes) this.idle.push(worker);
      else this.retire(worker);
      if (error === null) entry.pending.resolve();
      else entry.pending.reject(new Error(`worker thread: ${error}`));
      this.dispatch();
    });
    worker.on('error', (error) => this.fail(worker, error));
    worker.on('exit', (code) => {
      if (this.workers.includes(worker)) this.fail(worker, new Error(`worker thread exited with code ${code}`));
    });
    this.workers.push(worker);
    return worker;
  }

  /** Stops a worker that has carried enough (its heap and the shared arrays it holds go with it). */
  private retire(worker: Worker): void {
    this.workers.splice(this.workers.indexOf(worker), 1);
    this.carried.delete(worker);
    this.handed.delete(worker);
    void worker.terminate();
  }

  /** A worker died: its task fails, and it is replaced on the next dispatch. */
  private fail(worker: Worker, error: Error): void {
    const index = this.workers.indexOf(worker);
    if (index >= 0) this.workers.splice(index, 1);
    this.carried.delete(worker);
    this.handed.delete(worker);
    const idleIndex = this.idle.indexOf(worker);
    if (idleIndex >= 0) this.idle.splice(idleIndex, 1);
    for (const [id, entry] of this.inFlight) {
      if (entry.worker !== worker) continue;
      this.inFlight.delete(id);
      entry.pending.reject(error);
    }
    this.dispatch();
  }
}

/** Where a loop over a range runs: a pool, and the work below which it runs in the calling thread. */
export interface ThreadOptions {
  pool: ThreadPool;
  /** Below this much work (the caller's unit, e.g. multiply-adds) threads cost more than they save. */
  minWork?: number;
}

/** ThreadOptions.minWork when not given. */
export const MIN_THREADED_WORK = 1 << 20;

const HERE = new ThreadPool(1);

/**
 * Runs `kernel` of `module` over [from, to), split into one range per thread of `threads` (one
 * range, in the calling thread, without threads or when `work` is below their minWork): each call
 * gets `args` with its own `from` and `to`.
 */
export async function runRanges(
  threads: ThreadOptions | undefined,
  module: string,
  kernel: string,
  [from, to]: readonly [number, number],
  work: number,
  args: object,
): Promise<void> {
  const pool = threads?.pool ?? HERE;
  const parts = work < (threads?.minWork ?? MIN_THREADED_WORK) ? 1 : pool.size;
  const ranges = splitRange(to - from, parts).map(([a, b]) => [from + a, from + b]);
  await pool.run(ranges.map(([a, b]) => ({ module, kernel, args: { ...args, from: a, to: b } })));
}

let shared: ThreadPool | null = null;

/** The process's pool (threadCount() threads), created on first use. */
export function sharedThreadPool(): ThreadPool {
  shared ??= new ThreadPool();
  return shared;
}
