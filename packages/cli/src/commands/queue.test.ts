/**
 * Issue 15: a reproduce grid as BullMQ jobs on a real redis-server, run by two `speechfold worker`
 * processes, one of them SIGKILLed in the middle of a cell. The grid still completes, every cell is
 * computed to completion exactly once, and table.md and results.json equal a local run's (apart
 * from the cells' timings).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startRedis, type RedisServer } from '@speechfold/queue/testing';
import { synthesize } from '@speechfold/synth';
import { memoryIO } from '../io';
import { main } from '../main';
import { EXIT_OK, EXIT_USAGE } from '../exit';

const REPO = path.resolve(__dirname, '../../../..');
const DATA = ['test-clean', 'test-other'].map((s) => path.join(REPO, 'test-data/LibriSpeech', s));

let root: string;
let model: string;
let redis: RedisServer;

beforeAll(async () => {
  redis = await startRedis();
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'speechfold-queue-'));
  model = path.join(root, 'whisper');
  await synthesize({ arch: 'whisper-tiny', outDir: model, dtype: 'F16', seed: 3 });
}, 120_000);

afterAll(async () => {
  await redis?.stop();
  fs.rmSync(root, { recursive: true, force: true });
});

/** `speechfold reproduce` arguments of the grid: 3 variants x 2 splits = 6 cells, 2 compressed models. */
function grid(out: string): string[] {
  return [
    'reproduce', '--model', model, '--data', DATA.join(','), '--out', out,
    '--sparsities', '0.2', '--methods', 'fold,magnitude', '--policies', 'uniform',
    '--limit', '2', '--max-new-tokens', '12', '--engine', 'onnxruntime', '--quiet',
  ];
}

/** A `speechfold worker` process run from the sources; its stdout lines are collected. */
interface WorkerProcess {
  child: ChildProcess;
  lines: string[];
  exited: Promise<number | null>;
}

function startWorkerProcess(url: string): WorkerProcess {
  const child = spawn(
    process.execPath,
    [
      '-r', path.join(REPO, 'tools/ts-register.cjs'),
      '-e', `require(${JSON.stringify(path.join(REPO, 'packages/cli/src/main.ts'))}).runProcess(process.argv.slice(1)).then((c) => (process.exitCode = c))`,
      'worker', '--queue', url, '--lock-seconds', '2', '--engine', 'onnxruntime',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, SPEECHFOLD_THREADS: '1' } },
  );
  const lines: string[] = [];
  let pending = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    pending += chunk.toString();
    const parts = pending.split('\n');
    pending = parts.pop()!;
    lines.push(...parts);
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  void exited.then(() => {
    if (stderr !== '') lines.push(`stderr: ${stderr}`);
  });
  return { child, lines, exited };
}

async function waitFor<T>(what: string, probe: () => T | undefined, ms: number): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** results.json without the cells' timings (the one part that differs between two runs). */
function withoutTimings(file: string): unknown {
  const results = JSON.parse(fs.readFileSync(file, 'utf8')) as { cells: { seconds: number }[] };
  for (const cell of results.cells) cell.seconds = 0;
  return results;
}

describe('speechfold reproduce --queue with speechfold worker', () => {
  it('completes a grid with one of two workers SIGKILLed mid-cell: each cell computed once, the same results as a local run', async () => {
    const out = path.join(root, 'results');
    // The local run, moved aside so that the queued one writes the same --out (the command is recorded).
    const local = memoryIO();
    expect(await main(grid(out), local)).toBe(EXIT_OK);
    fs.renameSync(out, path.join(root, 'local'));

    // Enqueue first (no workers yet): 2 baseline cells and 2 model jobs; the models enqueue their cells.
    const enqueue = memoryIO();
    expect(await main([...grid(out), '--queue', redis.url], enqueue)).toBe(EXIT_OK);
    expect(enqueue.out.join('')).toMatch(/^enqueued 4 job\(s\) on redis:\/\/127\.0\.0\.1:\d+\/0 \(0 already queued\); 6 cell\(s\) to compute\n/);
    // Enqueuing again adds nothing: the jobs are keyed by their fingerprints.
    const again = memoryIO();
    expect(await main([...grid(out), '--queue', redis.url], again)).toBe(EXIT_OK);
    expect(again.out.join('')).toMatch(/^enqueued 0 job\(s\) .* \(4 already queued\); 6 cell\(s\) to compute\n/);

    const workers = [startWorkerProcess(redis.url), startWorkerProcess(redis.url)];
    try {
      // Kill the first worker that starts a cell, before it can finish it.
      const { victim, label } = await waitFor(
        'a worker to start a cell',
        () => {
          for (const w of workers) {
            const started = w.lines.find((l) => l.startsWith('started cell '));
            if (started) return { victim: w, label: started.slice('started cell '.length).replace(/ \(attempt \d+\)$/, '') };
          }
          return undefined;
        },
        120_000,
      );
      victim.child.kill('SIGKILL');
      expect(await victim.exited).toBeNull();
      const [variant, split] = label.split('/');
      expect(fs.existsSync(path.join(out, 'cells', `${variant}__${split}.json`))).toBe(false);
      expect(victim.lines.some((l) => l.startsWith(`finished cell ${label}`))).toBe(false);

      // Follow to the end: the survivor takes the killed worker's cell once its lock expires.
      const follow = memoryIO();
      expect(await main([...grid(out), '--queue', redis.url, '--wait'], follow)).toBe(EXIT_OK);
      expect(follow.err.join('')).toBe('');
      expect(follow.out.join('')).toMatch(/wrote .*results\/table\.md, results\.json and plots \(6 cells\)\n$/);

      const survivor = workers.find((w) => w !== victim)!;
      // Every cell finished exactly once, over both workers; the killed one's by the survivor.
      const finished = workers.flatMap((w) => w.lines.filter((l) => l.startsWith('finished cell ')).map((l) => l.replace(/ in [\d.]+ s$/, '')));
      expect(finished.sort()).toEqual(
        ['baseline', 'fold-uniform-0.20', 'magnitude-uniform-0.20']
          .flatMap((v) => ['test-clean', 'test-other'].map((s) => `finished cell ${v}/${s}`))
          .sort(),
      );
      expect(survivor.lines.some((l) => l.startsWith(`finished cell ${label} in `))).toBe(true);
      const models = workers.flatMap((w) => w.lines.filter((l) => l.startsWith('finished model ')));
      expect(models.map((l) => l.replace(/ in [\d.]+ s$/, '')).sort()).toEqual(['finished model fold-uniform-0.20', 'finished model magnitude-uniform-0.20']);

      // The same table and results as the local run (the cells' timings apart).
      expect(fs.readFileSync(path.join(out, 'table.md'), 'utf8')).toBe(fs.readFileSync(path.join(root, 'local', 'table.md'), 'utf8'));
      expect(withoutTimings(path.join(out, 'results.json'))).toEqual(withoutTimings(path.join(root, 'local', 'results.json')));
      for (const svg of fs.readdirSync(path.join(root, 'local')).filter((f) => f.endsWith('.svg'))) {
        expect(fs.readFileSync(path.join(out, svg), 'utf8')).toBe(fs.readFileSync(path.join(root, 'local', svg), 'utf8'));
      }
    } finally {
      for (const w of workers) w.child.kill('SIGKILL');
      await Promise.all(workers.map((w) => w.exited));
    }
  }, 300_000);

  it('refuses a queue URL that is not redis://, and one where no Redis answers, in one line', async () => {
    const io = memoryIO();
    expect(await main([...grid(path.join(root, 'bad')), '--queue', 'http://localhost:1/0'], io)).toBe(EXIT_USAGE);
    expect(io.err.join('')).toBe("speechfold: option --queue: expected a redis:// or rediss:// URL, got 'http://localhost:1/0'\n");
    const closed = memoryIO();
    expect(await main(['worker', '--queue', 'redis://127.0.0.1:1/0', '--engine', 'onnxruntime'], closed)).toBe(EXIT_USAGE);
    expect(closed.err.join('')).toMatch(/^speechfold: cannot reach Redis at redis:\/\/127\.0\.0\.1:1\/0 \(--queue\): .+\n$/);
    const wait = memoryIO();
    expect(await main([...grid(path.join(root, 'bad')), '--wait'], wait)).toBe(EXIT_USAGE);
    expect(wait.err.join('')).toBe('speechfold: option --wait: follows queued jobs: it needs --queue <redis-url>\n');
  });
});
