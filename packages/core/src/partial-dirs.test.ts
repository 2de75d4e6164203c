import { spawnSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createPartialDir, partialDirFor, registerPartialDir, removePartialDirs, removeStalePartialDirs } from './partial-dirs';

let root: string;

beforeEach(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'speechfold-partial-'));
});

afterEach(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

/** A pid that no longer runs: a child that has exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(child.stdout);
}

describe('partial dirs', () => {
  it('removes the registered partial dirs (what the signal handler does), and only those', async () => {
    const out = path.join(root, 'out');
    const partial = partialDirFor(out);
    expect(path.basename(partial)).toMatch(new RegExp(`^out\\.speechfold-partial-${process.pid}-\\d+$`));
    await fs.mkdir(partial);
    await fs.mkdir(path.join(root, 'other'));
    const release = registerPartialDir(partial);
    expect(await removePartialDirs()).toEqual([partial]);
    release();
    expect((await fs.readdir(root)).sort()).toEqual(['other']);
    expect(await removePartialDirs()).toEqual([]);
  });

  it('removes stale partial dirs of dead processes for that output, never those of live ones', async () => {
    const out = path.join(root, 'out');
    const stale = path.join(root, `out.speechfold-partial-${deadPid()}-1`);
    const live = path.join(root, `out.speechfold-partial-${process.ppid}-2`); // our parent runs
    const mine = partialDirFor(out);
    const otherOutput = path.join(root, `out2.speechfold-partial-${deadPid()}-3`);
    for (const d of [stale, live, mine, otherOutput]) await fs.mkdir(d);
    const release = registerPartialDir(mine);
    try {
      expect(await removeStalePartialDirs(out)).toEqual([stale]);
      expect((await fs.readdir(root)).sort()).toEqual([path.basename(live), path.basename(mine), path.basename(otherOutput)].sort());
    } finally {
      release();
    }
  });

  it('creates the missing parents of the output with the partial dir, and discards both on failure', async () => {
    const out = path.join(root, 'a', 'b', 'out');
    const partial = await createPartialDir(out);
    expect(path.dirname(partial.dir)).toBe(path.join(root, 'a', 'b'));
    expect((await fs.stat(partial.dir)).isDirectory()).toBe(true);
    await fs.writeFile(path.join(partial.dir, 'x'), 'half-written');
    await partial.discard();
    partial.release();
    expect(await fs.readdir(root)).toEqual([]);
  });

  it('keeps the created parents once the output is in place, and removes them with the partial dir on a signal', async () => {
    const done = await createPartialDir(path.join(root, 'a', 'out'));
    await fs.rename(done.dir, path.join(root, 'a', 'out'));
    done.release();
    expect(await fs.readdir(path.join(root, 'a'))).toEqual(['out']);
    const interrupted = await createPartialDir(path.join(root, 'b', 'c', 'out'));
    expect(await removePartialDirs()).toEqual([interrupted.dir]);
    interrupted.release();
    expect(await fs.readdir(root)).toEqual(['a']);
  });
});
