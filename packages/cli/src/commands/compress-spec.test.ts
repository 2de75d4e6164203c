// `speechfold compress --spec`: a run described by one JSON file, flags over it, and the report's spec
// repeating the run exactly.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { synthesize } from '@speechfold/synth';
import { main } from '../main';
import { memoryIO } from '../io';
import { EXIT_OK, EXIT_USAGE } from '../exit';
import type { CompressReport } from './compress';

let root: string;
let model: string;

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'speechfold-spec-'));
  model = path.join(root, 'm');
  await synthesize({ arch: 'hubert-tiny', outDir: model, dtype: 'F32', seed: 2 });
}, 60_000);

afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

async function run(...argv: string[]) {
  const io = memoryIO();
  const code = await main(argv, io);
  return { code, err: io.err.join('') };
}

function readReport(file: string): CompressReport {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as CompressReport;
}

describe('compress --spec', () => {
  it('runs the spec, lets flags override it, and the report spec repeats the run byte for byte', async () => {
    const spec = path.join(root, 'spec.json');
    fs.writeFileSync(spec, JSON.stringify({ method: 'kmeans', sparsity: 0.5, seed: 3, export: 'extended' }));
    const first = await run('compress', model, '--out', path.join(root, 'a'), '--spec', spec, '--sparsity', '0.25', '--report', path.join(root, 'a.json'), '--quiet');
    expect(first).toEqual({ code: EXIT_OK, err: '' });
    const report = readReport(path.join(root, 'a.json'));
    expect(report.spec).toMatchObject({ method: 'kmeans', sparsity: 0.25, seed: 3, export: 'extended', groups: ['ffn'] });
    expect(report.spec.fold).toEqual({ clusterer: 'kmeans', cap: 'auto', features: 'weights', biasCorrection: false, repair: false });
    expect(report.groups.every((g) => g.k === 48)).toBe(true);
    // The report's spec as a spec file: the same run.
    fs.writeFileSync(path.join(root, 'again.json'), JSON.stringify(report.spec));
    expect((await run('compress', model, '--out', path.join(root, 'b'), '--spec', path.join(root, 'again.json'), '--quiet')).code).toBe(EXIT_OK);
    for (const file of ['model.safetensors', 'config.json']) {
      expect(fs.readFileSync(path.join(root, 'b', file))).toEqual(fs.readFileSync(path.join(root, 'a', file)));
    }
  }, 120_000);

  it.each([
    [{ method: 'kmeans', sparsity: 2 }, /option --sparsity: expected a number in \[0, 1\), got 2/],
    [{ method: 'magnitude', clusterer: 'kmeans' }, /option --clusterer: is a folding setting; method 'magnitude' prunes/],
    [{ sparsty: 0.2 }, /option --spec: unknown field\(s\) 'sparsty'/],
    [[1, 2], /expected a JSON object/],
  ])('refuses the bad spec %j in one line before any work', async (content, message) => {
    const spec = path.join(root, 'bad.json');
    fs.writeFileSync(spec, JSON.stringify(content));
    const { code, err } = await run('compress', model, '--out', path.join(root, 'c'), '--spec', spec, '--quiet');
    expect(code).toBe(EXIT_USAGE);
    expect(err.trim().split('\n')).toHaveLength(1);
    expect(err).toMatch(message);
    expect(fs.existsSync(path.join(root, 'c'))).toBe(false);
  });
});
