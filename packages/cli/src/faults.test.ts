/**
 * The CLI under faults a hostile or unlucky user meets (issue 11's reproductions): outputs that would
 * overwrite inputs, unwritable or odd output paths, disk full, absurd config numbers, Hugging Face
 * cache symlinks, control characters in names. Each case: exit code, one line naming the path or
 * option, inputs byte-identical, nothing half-written left behind.
 */
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createCheckpointSink, openCheckpoint } from '@speechfold/safetensors';
import { synthesize } from '@speechfold/synth';
import { main } from './main';
import { memoryIO } from './io';
import { describeFailure, EXIT_OK, EXIT_USAGE } from './exit';
import { FormatError } from '@speechfold/core';

const DATA = path.resolve(__dirname, '../../../test-data/LibriSpeech/test-clean');

let root: string;
let model: string;
let snapshot: Map<string, Buffer>;

async function run(...argv: string[]) {
  const io = memoryIO();
  const code = await main(argv, io);
  return { code, out: io.out.join(''), err: io.err.join('') };
}

function readTree(dir: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  for (const name of fs.readdirSync(dir).sort()) files.set(name, fs.readFileSync(path.join(dir, name)));
  return files;
}

/** Everything in `dir` whose name marks a partial output or a temp file. */
function leftovers(dir: string): string[] {
  return fs.readdirSync(dir).filter((n) => n.includes('speechfold-partial') || n.endsWith('.tmp'));
}

function expectOneLine(err: string, ...parts: (string | RegExp)[]): void {
  expect(err.trim().split('\n')).toHaveLength(1);
  expect(err).not.toMatch(/internal error|\n\s+at /);
  for (const p of parts) expect(err).toMatch(p);
}

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'speechfold-faults-'));
  model = path.join(root, 'm');
  await synthesize({ arch: 'hubert-tiny', outDir: model, dtype: 'F16', seed: 1 });
  snapshot = readTree(model);
}, 60_000);

afterEach(() => {
  // Every case leaves the input model as it was and nothing partial beside it.
  expect(readTree(model)).toEqual(snapshot);
  expect(leftovers(root)).toEqual([]);
  for (const name of fs.readdirSync(root)) if (name !== 'm') fs.rmSync(path.join(root, name), { recursive: true, force: true });
});

afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

describe('outputs never overwrite inputs (checked before any work)', () => {
  it.each(['model.safetensors', 'config.json'])('compress --report m/%s is refused (defects 1, 2)', async (file) => {
    const { code, err } = await run('compress', model, '--out', path.join(root, 'm2'), '--report', path.join(model, file), '--quiet');
    expect(code).toBe(EXIT_USAGE);
    expectOneLine(err, '--report', 'inside the input');
    expect(fs.existsSync(path.join(root, 'm2'))).toBe(false);
  });

  it('eval --json m/config.json is refused (defect 3)', async () => {
    const { code, err } = await run('eval', model, '--data', DATA, '--limit', '1', '--json', path.join(model, 'config.json'), '--quiet');
    expect(code).toBe(EXIT_USAGE);
    expectOneLine(err, '--json', 'inside the input');
  });

  it('eval --json where no dir can be made (under a file) fails before the evaluation, in one line (defect 9)', async () => {
    fs.writeFileSync(path.join(root, 'file'), 'mine');
    const { code, err, out } = await run('eval', model, '--data', DATA, '--json', path.join(root, 'file', 'dir', 'x.json'), '--quiet');
    expect(code).toBe(EXIT_USAGE);
    expectOneLine(err, '--json', 'cannot be created: this is not a directory');
    expect(out).toBe('');
    expect(fs.readFileSync(path.join(root, 'file'), 'utf8')).toBe('mine');
  });

  it.each([
    ['a dir under a file', (r: string) => fs.writeFileSync(path.join(r, 'file'), '') ?? path.join(r, 'file', 'no', 'report.json'), 'cannot be created'],
    ['a dir', (r: string) => fs.mkdirSync(path.join(r, 'adir'), { recursive: true }) ?? path.join(r, 'adir'), 'is a directory'],
  ])('compress --report into %s fails before any work, leaving no output (defect 8)', async (_what, report, message) => {
    const { code, err } = await run('compress', model, '--out', path.join(root, 'm2'), '--report', report(root), '--quiet');
    expect(code).toBe(EXIT_USAGE);
    expectOneLine(err, '--report', message);
    expect(fs.existsSync(path.join(root, 'm2'))).toBe(false);
  });

  it.each([
    ['.', '', 'holds the input'],
    ['.', 'empty', 'is the current directory'],
    ['..', 'empty', 'holds the input'],
    ['', '', 'expected a directory path'],
    ['/', '', 'holds the input'],
  ])("compress --out '%s' --force (run in <root>/%s) is refused before any work (defect 13)", async (out, sub, message) => {
    const cwd = process.cwd();
    fs.mkdirSync(path.join(root, sub), { recursive: true });
    process.chdir(path.join(root, sub));
    try {
      const { code, err } = await run('compress', model, '--out', out, '--force', '--quiet');
      expect(code).toBe(EXIT_USAGE);
      expectOneLine(err, '--out', message);
    } finally {
      process.chdir(cwd);
    }
  });
});

describe('disk full', () => {
  afterEach(() => jest.restoreAllMocks());

  function failWith(code: string, match: (file: string) => boolean, method: 'copyFile' | 'writeFile'): void {
    const real = fsp[method] as (...args: unknown[]) => Promise<void>;
    jest.spyOn(fsp, method).mockImplementation(((...args: unknown[]) => {
      const file = String(method === 'copyFile' ? args[1] : args[0]);
      if (!match(file)) return real.apply(fsp, args);
      return Promise.reject(Object.assign(new Error(`${code}: no space left on device, ${method} '${file}'`), { code, path: file }));
    }) as never);
  }

  it('while copying the tokenizer files: one line naming the file, no output, no partial dir (defect 10)', async () => {
    failWith('ENOSPC', (f) => f.endsWith('vocab.json'), 'copyFile');
    const { code, err } = await run('compress', model, '--out', path.join(root, 'm2'), '--quiet');
    expect(code).toBe(EXIT_USAGE);
    expectOneLine(err, /vocab\.json: cannot write \(a copy of .*vocab\.json\): ENOSPC \(no space left on device\)/);
    expect(fs.existsSync(path.join(root, 'm2'))).toBe(false);
  });

  it('while writing the report: one line, and neither the report, its temp file nor the new output stay (defect 8)', async () => {
    failWith('ENOSPC', (f) => f.includes('report.json'), 'writeFile');
    const report = path.join(root, 'report.json');
    const { code, err } = await run('compress', model, '--out', path.join(root, 'm2'), '--report', report, '--quiet');
    expect(code).toBe(EXIT_USAGE);
    expectOneLine(err, 'report.json: cannot write: ENOSPC');
    expect(fs.readdirSync(root)).toEqual(['m']);
  });

  it('while writing the report into new dirs: the dirs made for the output and the report go too', async () => {
    failWith('ENOSPC', (f) => f.includes('report.json'), 'writeFile');
    const out = path.join(root, 'new', 'models', 'm2');
    const report = path.join(root, 'new', 'reports', 'report.json');
    const { code, err } = await run('compress', model, '--out', out, '--report', report, '--quiet');
    expect(code).toBe(EXIT_USAGE);
    expectOneLine(err, 'report.json: cannot write: ENOSPC');
    expect(fs.readdirSync(root)).toEqual(['m']);
  });
});

describe('odd inputs', () => {
  it('refuses an absurd layer count before allocating anything (defect 11)', async () => {
    const huge = path.join(root, 'huge');
    fs.cpSync(model, huge, { recursive: true });
    const config = JSON.parse(fs.readFileSync(path.join(huge, 'config.json'), 'utf8')) as Record<string, unknown>;
    fs.writeFileSync(path.join(huge, 'config.json'), JSON.stringify({ ...config, num_hidden_layers: 1e9 }));
    const { code, err } = await run('compress', huge, '--out', path.join(root, 'm2'), '--quiet');
    expect(code).toBe(EXIT_USAGE);
    expectOneLine(err, "field 'num_hidden_layers': expected an integer <= 1024 (a sanity limit), got 1000000000");
    expect(fs.existsSync(path.join(root, 'm2'))).toBe(false);
  });

  it('follows the Hugging Face cache symlinks: every side file is copied as a plain file (defect 15)', async () => {
    const blobs = path.join(root, 'blobs');
    const snap = path.join(root, 'snapshots', 'abc123');
    fs.mkdirSync(blobs);
    fs.mkdirSync(snap, { recursive: true });
    for (const [name, bytes] of snapshot) {
      fs.writeFileSync(path.join(blobs, `blob-${name}`), bytes);
      fs.symlinkSync(path.join('..', '..', 'blobs', `blob-${name}`), path.join(snap, name));
    }
    const out = path.join(root, 'm2');
    const { code, err } = await run('compress', snap, '--out', out, '--sparsity', '0.1', '--quiet');
    expect(err).toBe('');
    expect(code).toBe(EXIT_OK);
    for (const [name, bytes] of snapshot) {
      if (name === 'model.safetensors' || name === 'config.json') continue;
      expect(fs.lstatSync(path.join(out, name)).isFile()).toBe(true);
      expect(fs.readFileSync(path.join(out, name))).toEqual(bytes);
    }
  });

  it('keeps an error one line when a tensor name holds a newline (defect 20)', async () => {
    const odd = path.join(root, 'odd');
    fs.mkdirSync(odd);
    fs.copyFileSync(path.join(model, 'config.json'), path.join(odd, 'config.json'));
    const source = await openCheckpoint(model);
    const sink = await createCheckpointSink(odd, {});
    for (const t of source.list()) await sink.addBytes(t.name, t.dtype, t.shape, await source.readBytes(t.name));
    await sink.addFloat32('evil\nname', 'F32', [1], new Float32Array([1]));
    await sink.commit();
    await source.close();
    const { code, err } = await run('compress', odd, '--out', path.join(root, 'm2'), '--quiet');
    expect(code).toBe(EXIT_USAGE);
    expectOneLine(err, "tensor 'evil\\nname'");
    // And whatever the thrower: the CLI's last line of defence.
    expect(describeFailure(new FormatError({}, 'a\nb')).line).toBe('speechfold: a\\nb');
  });

  it('removes a partial output dir left by a killed run of the same output', async () => {
    const out = path.join(root, 'm2');
    fs.mkdirSync(`${out}.speechfold-partial-999999999-1`); // no such pid
    const { code } = await run('compress', model, '--out', out, '--quiet');
    expect(code).toBe(EXIT_OK);
    expect(fs.existsSync(out)).toBe(true);
  });
});
