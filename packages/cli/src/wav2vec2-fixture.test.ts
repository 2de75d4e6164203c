// The committed Wav2Vec2ForCTC fixture (tools/reference/wav2vec2_check.py): checkpoints made by stock
// transformers, which the built CLI compressed and stock Wav2Vec2ForCTC.from_pretrained loaded back
// with no missing, unexpected or mismatched key. The same compression, in-process here, must write
// what Python loaded: the same config.json, the same tensors (names, dtypes, shapes, in order), the
// same groups; and every tensor outside the folded FFNs byte for byte as stored.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openCheckpoint } from '@speechfold/safetensors';
import type { CompressReport } from './commands/compress';
import { EXIT_OK } from './exit';
import { memoryIO } from './io';
import { main } from './main';

const FIXTURE = path.resolve(__dirname, '../../../tools/reference/fixtures/wav2vec2-tiny');

interface Tensor {
  name: string;
  dtype: string;
  shape: number[];
}

interface Expected {
  command: string[];
  cases: Record<
    string,
    {
      dir: string;
      original: { parameters: number };
      compressed: { config: Record<string, unknown>; tensors: Tensor[]; groups: { name: string; n: number; k: number }[]; parameters: number };
    }
  >;
}

const expected = JSON.parse(fs.readFileSync(path.join(FIXTURE, 'expected.json'), 'utf8')) as Expected;

let root: string;
beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'speechfold-wav2vec2-'));
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

async function readAll(dir: string): Promise<{ tensors: Tensor[]; bytes: Map<string, Buffer> }> {
  const source = await openCheckpoint(dir);
  const tensors = source.list().map((t) => ({ name: t.name, dtype: t.dtype, shape: [...t.shape] }));
  const bytes = new Map<string, Buffer>();
  for (const t of tensors) bytes.set(t.name, Buffer.from(await source.readBytes(t.name)));
  await source.close();
  return { tensors, bytes };
}

describe.each(Object.keys(expected.cases))('the Wav2Vec2ForCTC fixture %s (stock transformers)', (name) => {
  const c = expected.cases[name];

  it('compresses through the CLI to the files stock Wav2Vec2ForCTC.from_pretrained loaded', async () => {
    const input = path.join(FIXTURE, c.dir);
    const out = path.join(root, name);
    const report = path.join(root, `${name}.json`);
    const argv = expected.command.map((a) => (a === '<model>' ? input : a === '<out>' ? out : a));
    const io = memoryIO();
    const code = await main([...argv, '--report', report, '--quiet'], io);
    expect(io.err.join('')).toBe('');
    expect(code).toBe(EXIT_OK);

    expect(JSON.parse(fs.readFileSync(path.join(out, 'config.json'), 'utf8'))).toEqual(c.compressed.config);
    const before = await readAll(input);
    const after = await readAll(out);
    expect(after.tensors).toEqual(c.compressed.tensors);

    const r = JSON.parse(fs.readFileSync(report, 'utf8')) as CompressReport;
    expect(r.export).toBe('hf');
    expect(r.groups.map((g) => ({ name: g.name, n: g.n, k: g.k }))).toEqual(c.compressed.groups);
    expect([r.parameters.before, r.parameters.after]).toEqual([c.original.parameters, c.compressed.parameters]);

    // Only the FFN matrices are folded; the residual stream (output_dense.bias), norms, attention,
    // feature encoder, positional conv (stored under torch's parametrization names) and head are kept.
    const folded = /feed_forward\.(intermediate_dense\.(weight|bias)|output_dense\.weight)$/;
    const unchanged = before.tensors.filter((t) => !folded.test(t.name));
    expect(unchanged.length).toBe(before.tensors.length - 6);
    for (const t of unchanged) expect([t.name, after.bytes.get(t.name)?.equals(before.bytes.get(t.name)!)]).toEqual([t.name, true]);
  });
});
