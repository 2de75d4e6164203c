/**
 * SIGINT / SIGTERM during compress (issue 11, defect 14): the partial output dir is removed, one line
 * says so, and the exit code is 130 / 143. Signals are delivered in-process (process.emit), the
 * handler's process.exit is injected, so the test sees exactly what the executable would do.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { synthesize } from '@speechfold/synth';
import { main } from './main';
import { memoryIO } from './io';
import { installSignalHandlers } from './signals';

let root: string;
let model: string;

// A model big enough that compress runs for seconds, so the signal lands while the partial dir exists.
beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'speechfold-signals-'));
  model = path.join(root, 'm');
  await synthesize({ arch: 'whisper-tiny', outDir: model, dtype: 'F16', seed: 1 });
}, 120_000);

afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

function partialDirs(): string[] {
  return fs.readdirSync(root).filter((n) => n.includes('.speechfold-partial-'));
}

async function waitFor(condition: () => boolean, ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > until) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

it.each([
  ['SIGINT', 130],
  ['SIGTERM', 143],
] as const)('%s during compress removes the partial output and exits %i with one line', async (signal, expected) => {
  const io = memoryIO();
  const exits: number[] = [];
  const uninstall = installSignalHandlers(io, (code) => void exits.push(code));
  try {
    const out = path.join(root, `out-${signal}`);
    const running = main(['compress', model, '--out', out, '--quiet'], memoryIO());
    await waitFor(() => partialDirs().length > 0, 60_000);
    const partial = path.join(root, partialDirs()[0]);
    process.emit(signal);
    await waitFor(() => exits.length > 0, 10_000);
    expect(exits).toEqual([expected]);
    expect(io.err).toEqual([`speechfold: interrupted by ${signal}; removed the partial output ${partial}\n`]);
    expect(fs.existsSync(partial)).toBe(false);
    // In the executable the process ends here; in-process the compression fails on its removed dir.
    await running;
    expect(partialDirs()).toEqual([]);
    expect(fs.existsSync(out)).toBe(false);
  } finally {
    uninstall();
  }
}, 120_000);

it('a signal with nothing partial still exits with its code and one line', async () => {
  const io = memoryIO();
  const exits: number[] = [];
  const uninstall = installSignalHandlers(io, (code) => void exits.push(code));
  try {
    process.emit('SIGTERM');
    await waitFor(() => exits.length > 0, 5_000);
    expect(exits).toEqual([143]);
    expect(io.err).toEqual(['speechfold: interrupted by SIGTERM\n']);
  } finally {
    uninstall();
  }
});
