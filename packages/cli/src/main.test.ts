import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { main } from './main';
import { memoryIO } from './io';
import { EXIT_OK, EXIT_USAGE } from './exit';
import type { InspectReport } from './commands/inspect';

const FIXTURES = path.resolve(__dirname, '../../../tools/reference/fixtures');

async function run(...argv: string[]) {
  const io = memoryIO();
  const code = await main(argv, io);
  return { code, out: io.out.join(''), err: io.err.join('') };
}

function tmpDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'speechfold-cli-'));
}

describe('speechfold inspect', () => {
  it('reads a file written by an independent writer (numpy + the spec) with the right names, dtypes and shapes', async () => {
    const expected = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'numpy-written.json'), 'utf8')) as {
      tensors: { name: string; dtype: string; shape: number[] }[];
    };
    const { code, out } = await run('inspect', path.join(FIXTURES, 'numpy-written.safetensors'), '--json');
    expect(code).toBe(EXIT_OK);
    const report = JSON.parse(out) as InspectReport;
    expect(report.config).toBeNull();
    const byName = new Map(report.tensors.map((t) => [t.name, t]));
    expect(report.tensors).toHaveLength(expected.tensors.length);
    for (const t of expected.tensors) {
      expect(byName.get(t.name)).toEqual({ name: t.name, dtype: t.dtype, shape: t.shape });
    }
    const params = expected.tensors.reduce((s, t) => s + t.shape.reduce((a, b) => a * b, 1), 0);
    expect(report.parameters).toBe(params);
  });

  it('prints a table by default', async () => {
    const { code, out } = await run('inspect', path.join(FIXTURES, 'numpy-written.safetensors'));
    expect(code).toBe(EXIT_OK);
    expect(out).toMatch(/\d+ tensors, [\d,]+ parameters/);
  });

  it('names a missing path in one line with exit code 2', async () => {
    const missing = path.join(tmpDir(), 'nope');
    const { code, err } = await run('inspect', missing);
    expect(code).toBe(EXIT_USAGE);
    expect(err.trim().split('\n')).toHaveLength(1);
    expect(err).toContain(missing);
    expect(err).not.toMatch(/\n\s+at /);
  });

  it('refuses a dir without config.json in one line with exit code 2', async () => {
    const dir = tmpDir();
    const { code, err } = await run('inspect', dir);
    expect(code).toBe(EXIT_USAGE);
    expect(err.trim().split('\n')).toHaveLength(1);
    expect(err).toContain('config.json');
    expect(err).toContain(dir);
  });
});

describe('speechfold synth', () => {
  it('writes a HuBERT checkpoint that inspect reads back with HF names, dtype and config', async () => {
    const out = path.join(tmpDir(), 'hubert');
    const synth = await run('synth', '--arch', 'hubert-tiny', '--out', out, '--dtype', 'f16', '--seed', '3');
    expect(synth.err).toBe('');
    expect(synth.code).toBe(EXIT_OK);
    const { code, out: json } = await run('inspect', out, '--json');
    expect(code).toBe(EXIT_OK);
    const report = JSON.parse(json) as InspectReport;
    expect(report.config?.model_type).toBe('hubert');
    const names = report.tensors.map((t) => t.name);
    expect(names).toContain('lm_head.weight');
    expect(names).toContain('hubert.encoder.layers.0.feed_forward.intermediate_dense.weight');
    expect(new Set(report.tensors.map((t) => t.dtype))).toEqual(new Set(['F16']));
    expect(synth.out).toContain(report.parameters.toLocaleString('en-US'));
  });

  it('names an unknown --arch and lists the choices, exit code 2', async () => {
    const { code, err } = await run('synth', '--arch', 'gpt-9', '--out', path.join(tmpDir(), 'x'));
    expect(code).toBe(EXIT_USAGE);
    expect(err.trim().split('\n')).toHaveLength(1);
    expect(err).toContain('--arch');
    expect(err).toContain('gpt-9');
    expect(err).toContain('whisper-large-v3');
  });

  it('rejects a bad --dtype and an unknown option with exit code 2', async () => {
    expect((await run('synth', '--arch', 'hubert-tiny', '--out', tmpDir(), '--dtype', 'f8')).code).toBe(EXIT_USAGE);
    const unknown = await run('inspect', '.', '--frobnicate');
    expect(unknown.code).toBe(EXIT_USAGE);
    expect(unknown.err).toContain('--frobnicate');
  });
});
