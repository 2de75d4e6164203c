import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { OptionError } from '@speechfold/core';
import { synthesize } from '@speechfold/synth';
import { main } from '../main';
import { memoryIO } from '../io';
import { EXIT_OK, EXIT_USAGE } from '../exit';
import { runReproduce, type ReproduceCommandOptions } from './reproduce';

const DATA = path.resolve(__dirname, '../../../../test-data/LibriSpeech/test-clean');
let root: string;
let model: string;

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'speechfold-cli-reproduce-'));
  model = path.join(root, 'hubert');
  await synthesize({ arch: 'hubert-tiny', outDir: model, seed: 1 });
}, 60_000);

afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

function options(out: string, extra: Partial<ReproduceCommandOptions> = {}): ReproduceCommandOptions {
  return {
    model,
    data: DATA,
    out,
    sparsities: '0.5',
    methods: 'magnitude',
    policies: 'uniform',
    groups: 'ffn',
    seed: '0',
    limit: '1',
    engine: 'onnxruntime',
    ...extra,
  };
}

describe('speechfold reproduce', () => {
  it('refuses an --out that is an existing file in one line, exit 2', async () => {
    const file = path.join(root, 'results.txt');
    fs.writeFileSync(file, 'keep');
    const io = memoryIO();
    const code = await main(['reproduce', '--model', model, '--data', DATA, '--out', file, '--engine', 'onnxruntime', '--quiet'], io);
    const err = io.err.join('');
    expect(code).toBe(EXIT_USAGE);
    expect(err).toBe(`speechfold: ${file}: exists and is not a directory; --out names the results dir (created, or reused to resume)\n`);
    expect(fs.readFileSync(file, 'utf8')).toBe('keep');
  });

  it('creates the missing parent dirs of --out', async () => {
    const out = path.join(root, 'nested', 'a', 'results');
    const io = memoryIO();
    const argv = ['reproduce', '--model', model, '--data', DATA, '--out', out, '--sparsities', '0.5', '--methods', 'magnitude'];
    argv.push('--policies', 'uniform', '--limit', '1', '--engine', 'onnxruntime', '--report-only', '--quiet');
    expect(await main(argv, io)).toBe(EXIT_OK);
    expect(io.err.join('')).toBe('');
    expect(fs.readdirSync(out)).toContain('table.md');
  }, 60_000);

  it('refuses a run of other inputs into the same --out, and starts afresh with force', async () => {
    const out = path.join(root, 'run');
    const quiet = () => undefined;
    await runReproduce(options(out), 'speechfold reproduce', quiet);
    await expect(runReproduce(options(out, { limit: '2' }), 'speechfold reproduce', quiet)).rejects.toThrow(OptionError);
    await expect(runReproduce(options(out, { limit: '2' }), 'speechfold reproduce', quiet)).rejects.toThrow(
      /^option --out: .* \(differs: --limit \(1 -> 2\)\); pass --force to delete its cells and models and start afresh/,
    );
    const fresh = await runReproduce(options(out, { limit: '2', force: true }), 'speechfold reproduce', quiet);
    if (fresh.kind !== 'results') throw new Error('expected results');
    expect(fresh.result.cells.map((c) => c.utterances)).toEqual([2, 2]);
    // The same through the command line: --force reaches reproduce, which says what it removed.
    const io = memoryIO();
    const argv = ['reproduce', '--model', model, '--data', DATA, '--out', out, '--sparsities', '0.5', '--methods', 'magnitude'];
    argv.push('--policies', 'uniform', '--limit', '3', '--engine', 'onnxruntime', '--quiet', '--force');
    expect(await main(argv, io)).toBe(EXIT_OK);
    expect(io.err.join('')).toMatch(/^warning: --force: removed the old run in .* \(it differed: --limit \(2 -> 3\)\)\n$/);
    const results = JSON.parse(fs.readFileSync(path.join(out, 'results.json'), 'utf8')) as { cells: { utterances: number }[] };
    expect(results.cells.map((c) => c.utterances)).toEqual([3, 3]);
  }, 90_000);
});
