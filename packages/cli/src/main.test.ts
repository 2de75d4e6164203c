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

describe('speechfold itself', () => {
  it('--version and -V print the CLI package version, exit 0', async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { version } = require('../package.json') as { version: string };
    for (const flag of ['--version', '-V']) {
      const { code, out, err } = await run(flag);
      expect([code, out, err]).toEqual([EXIT_OK, `${version}\n`, '']);
    }
  });

  it('bare speechfold prints the help on stderr and exits 2 (a usage error), without a stray line', async () => {
    const { code, out, err } = await run();
    expect(code).toBe(EXIT_USAGE);
    expect(out).toBe('');
    expect(err).toMatch(/^Usage: speechfold \[options\] \[command\]\n/);
    expect(err).toContain('compress [options] <model-dir>');
    expect(err).not.toContain('(outputHelp)');
    // Asked for, the help goes to stdout with exit 0.
    const asked = await run('--help');
    expect([asked.code, asked.err]).toEqual([EXIT_OK, '']);
    expect(asked.out).toContain('Examples:\n  speechfold synth --arch whisper-tiny');
  });

  const REQUIRED: Record<string, string[]> = {
    inspect: [],
    synth: ['--arch', '--out'],
    compress: ['--out'],
    choices: [],
    eval: ['--data'],
    import: ['--out'],
    reproduce: ['--model', '--data', '--out'],
  };
  it.each(Object.entries(REQUIRED))('%s --help shows examples and marks exactly its required options', async (command, required) => {
    const { code, out } = await run(command, '--help');
    expect(code).toBe(EXIT_OK);
    expect(out).toMatch(new RegExp(`\\nExamples:\\n  speechfold ${command}[ \\n]`));
    // Each option's entry: its line and the wrapped lines of its description below it.
    const entries: string[] = [];
    for (const line of out.slice(out.indexOf('Options:'), out.indexOf('Examples:')).split('\n').slice(1)) {
      if (/^ {2}(-\w, )?--[\w-]+/.test(line)) entries.push(line);
      else if (/^ {3,}\S/.test(line) && entries.length > 0) entries[entries.length - 1] += ` ${line.trim()}`;
    }
    expect(entries.length).toBeGreaterThan(0);
    const marked = entries.filter((e) => e.endsWith('(required)')).map((e) => /--[\w-]+/.exec(e)![0]);
    expect(marked).toEqual(required);
    for (const option of required) expect(out.split('\n')[0]).toContain(option); // in the usage line too
  });
});

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

  it('says a file that is not safetensors (here a README) is not one, in one line with exit code 2', async () => {
    const readme = path.resolve(__dirname, '../../../README.md');
    const { code, out, err } = await run('inspect', readme);
    expect([code, out]).toEqual([EXIT_USAGE, '']);
    expect(err).toBe(`speechfold: ${readme}: not a safetensors file (expected a .safetensors file or a model dir)\n`);
    // Short files and .bin weights too; a damaged file named .safetensors keeps the reader's exact diagnosis.
    const dir = tmpDir();
    fs.writeFileSync(path.join(dir, 'tiny.bin'), 'x');
    expect((await run('inspect', path.join(dir, 'tiny.bin'))).err).toContain('not a safetensors file');
    fs.writeFileSync(path.join(dir, 'bad.safetensors'), Buffer.concat([Buffer.from([255, 0, 0, 0, 0, 0, 0, 0]), Buffer.from('{}')]));
    expect((await run('inspect', path.join(dir, 'bad.safetensors'))).err).toMatch(/header length 255 runs past the end/);
  });

  it('gives a path that looks like a hub id the same word as compress: nothing is downloaded', async () => {
    const inspect = await run('inspect', 'openai/whisper-base');
    const compress = await run('compress', 'openai/whisper-base', '--out', path.join(tmpDir(), 'out'), '--quiet');
    expect(inspect.code).toBe(EXIT_USAGE);
    expect(inspect.err).toBe(
      'speechfold: openai/whisper-base: no such dir; it looks like a hub id, and speechfold never downloads: pass a local checkpoint dir\n',
    );
    expect(compress.err).toBe(inspect.err);
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

  it('creates the missing parent dirs of --out', async () => {
    const out = path.join(tmpDir(), 'a', 'b', 'hubert');
    const { code, err } = await run('synth', '--arch', 'hubert-tiny', '--out', out);
    expect([code, err]).toEqual([EXIT_OK, '']);
    expect(fs.readdirSync(out)).toContain('model.safetensors');
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
