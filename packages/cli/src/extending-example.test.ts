// Runs docs/extending.md's worked example as written there: its ts block is extracted, saved as a
// module inside this package (so its imports resolve as in a user's project) and required.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openCheckpoint } from '@speechfold/safetensors';
import { synthesize } from '@speechfold/synth';
import { memoryIO, type CliIO } from './io';
import { main } from './main';

function docBlock(file: string): string {
  const text = fs.readFileSync(path.resolve(__dirname, '../../..', file), 'utf8');
  const block = /```ts\n([\s\S]*?)```/.exec(text);
  if (!block) throw new Error(`${file} has no ts block`);
  return block[1];
}

let root: string;
let exampleFile: string;
let speechfold: (argv: string[], io?: CliIO) => Promise<number>;

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'speechfold-extending-'));
  exampleFile = path.resolve(__dirname, `../.extending-example-${process.pid}.tmp.ts`);
  fs.writeFileSync(exampleFile, docBlock('docs/extending.md'));
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  ({ speechfold } = require(exampleFile) as { speechfold: typeof speechfold });
  await synthesize({ arch: 'hubert-tiny', outDir: path.join(root, 'm'), seed: 3 });
}, 60_000);

afterAll(() => {
  fs.rmSync(exampleFile, { force: true });
  fs.rmSync(root, { recursive: true, force: true });
});

describe('docs/extending.md', () => {
  it('adds a clusterer, a policy and an export format that the CLI offers, validates and runs', async () => {
    const io = memoryIO();
    const out = path.join(root, 'm2');
    const argv = ['compress', path.join(root, 'm'), '--out', out, '--clusterer', 'blocks', '--policy', 'ceil', '--export', 'hf-tagged', '--sparsity', '0.1', '--quiet'];
    expect(await speechfold(argv, io)).toBe(0);
    const config = JSON.parse(fs.readFileSync(path.join(out, 'config.json'), 'utf8')) as Record<string, unknown>;
    // ceil(0.9 * 64) = 58 units; the stock field says so, and the note is there.
    expect([config.intermediate_size, config.compressed_by]).toEqual([58, 'speechfold (blocks, ceil)']);
    const name = 'hubert.encoder.layers.0.feed_forward.intermediate_dense.weight';
    const folded = await openCheckpoint(out);
    const original = await openCheckpoint(path.join(root, 'm'));
    const [f, o] = [await folded.readFloat32(name), await original.readFloat32(name)];
    expect(folded.info(name).shape).toEqual([58, 32]);
    // blocks: unit i goes to cluster floor(i * 58 / 64), so cluster 0 holds units 0 and 1 (their mean).
    for (let j = 0; j < 32; j++) expect(f[j]).toBeCloseTo((o[j] + o[32 + j]) / 2, 6);
    await Promise.all([folded.close(), original.close()]);
  }, 60_000);

  it('lists the new choices in --help and `choices`, and the shipped CLI does not know them', async () => {
    const help = memoryIO();
    await speechfold(['compress', '--help'], help);
    expect(help.out.join('')).toMatch(/"capped", "kmeans", "blocks"/);
    expect(help.out.join('')).toMatch(/"hf-tagged"/);
    const choices = memoryIO();
    expect(await speechfold(['choices', 'policy'], choices)).toBe(0);
    expect(choices.out.join('')).toMatch(/ceil\s+K = ceil\(\(1 - s\) N\) in every group/);
    const plain = memoryIO();
    expect(await main(['compress', path.join(root, 'm'), '--out', path.join(root, 'x'), '--policy', 'ceil'], plain)).toBe(2);
    expect(plain.err.join('')).toMatch(/'--policy <name>' argument 'ceil' is invalid\. Allowed choices are uniform, explicit, schedule, mixed/);
  });
});
