import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Random, type Tensor } from '@speechfold/core';
import { ffnForward, maxRelDiff, randomInput } from '@speechfold/fold/testing';
import { createCheckpointSink, openCheckpoint } from '@speechfold/safetensors';
import { synthesize } from '@speechfold/synth';
import { main } from '../main';
import { memoryIO } from '../io';
import { EXIT_OK, EXIT_USAGE } from '../exit';
import type { CompressReport } from './compress';

const WHISPER_SMALL = {
  d_model: 16,
  encoder_layers: 2,
  decoder_layers: 2,
  encoder_attention_heads: 2,
  decoder_attention_heads: 2,
  encoder_ffn_dim: 32,
  decoder_ffn_dim: 32,
  num_mel_bins: 8,
  max_source_positions: 16,
  max_target_positions: 16,
};

let root: string;
let hubert: string;
let whisper: string;

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'speechfold-compress-'));
  hubert = path.join(root, 'hubert');
  whisper = path.join(root, 'whisper');
  await synthesize({ arch: 'hubert-tiny', outDir: hubert, dtype: 'F16', seed: 1 });
  await synthesize({ arch: 'whisper-tiny', outDir: whisper, dtype: 'F32', seed: 2, config: WHISPER_SMALL });
}, 60_000);

afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

async function run(...argv: string[]) {
  const io = memoryIO();
  const code = await main(argv, io);
  return { code, out: io.out.join(''), err: io.err.join('') };
}

async function readAll(dir: string): Promise<Map<string, { dtype: string; shape: number[]; bytes: Uint8Array }>> {
  const source = await openCheckpoint(dir);
  const out = new Map<string, { dtype: string; shape: number[]; bytes: Uint8Array }>();
  for (const t of source.list()) out.set(t.name, { dtype: t.dtype, shape: t.shape, bytes: await source.readBytes(t.name) });
  await source.close();
  return out;
}

async function readFloat(dir: string, names: string[]): Promise<Map<string, Tensor>> {
  const source = await openCheckpoint(dir);
  const out = new Map<string, Tensor>();
  for (const name of names) out.set(name, { shape: source.info(name).shape, data: await source.readFloat32(name) });
  await source.close();
  return out;
}

function entries(dir: string): string[] {
  return fs.existsSync(dir) ? fs.readdirSync(dir).sort() : [];
}

describe('speechfold compress', () => {
  // Every merge option: each recipe, each setting over it, and the dense export.
  const MERGE_OPTIONS: string[][] = [
    [],
    ['--method', 'kmeans'],
    ['--clusterer', 'kmeans'],
    ['--cap', '3'],
    ['--features', 'weights'],
    ['--bias-correction', 'off'],
    ['--bias-correction', 'on'],
    ['--features', 'producers'],
    ['--repair'],
    ['--method', 'kmeans', '--bias-correction', 'on', '--repair'],
    ['--export', 'dense'],
  ];
  it.each([
    ['hubert', () => hubert],
    ['whisper', () => whisper],
  ])('%s at --sparsity 0 writes tensors identical to the input, dtype kept, under every merge option', async (_name, dir) => {
    const before = await readAll(dir());
    for (const [index, flags] of MERGE_OPTIONS.entries()) {
      const out = path.join(root, `${_name}-s0-${index}`);
      const { code, err } = await run('compress', dir(), '--out', out, '--sparsity', '0', '--groups', 'ffn,heads', '--quiet', ...flags);
      expect(err).toBe('');
      expect(code).toBe(EXIT_OK);
      const after = await readAll(out);
      expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
      for (const [name, t] of before) {
        expect([flags.join(' '), name, after.get(name)!.dtype]).toEqual([flags.join(' '), name, t.dtype]);
        expect(after.get(name)!.shape).toEqual(t.shape);
        expect([flags.join(' '), name, Buffer.from(after.get(name)!.bytes).equals(Buffer.from(t.bytes))]).toEqual([flags.join(' '), name, true]);
      }
      // tokenizer / preprocessor files are copied unchanged
      for (const f of entries(dir()).filter((f) => !f.endsWith('.safetensors') && f !== 'config.json')) {
        expect(fs.readFileSync(path.join(out, f))).toEqual(fs.readFileSync(path.join(dir(), f)));
      }
    }
  }, 600_000);

  it('by default folds FFN units with identical fc1 rows and biases losslessly, whatever their fc2 columns', async () => {
    const layers = [0, 1];
    const names = (l: number) => ({
      fc1: `hubert.encoder.layers.${l}.feed_forward.intermediate_dense`,
      fc2: `hubert.encoder.layers.${l}.feed_forward.output_dense`,
    });
    // Rewrite the synthetic checkpoint so that units 2j and 2j+1 compute the same activation in every
    // FFN (identical fc1 rows and biases); their fc2 columns stay different, as drawn.
    const dup = path.join(root, 'hubert-dup');
    fs.mkdirSync(dup);
    for (const f of entries(hubert).filter((f) => !f.endsWith('.safetensors'))) fs.copyFileSync(path.join(hubert, f), path.join(dup, f));
    const source = await openCheckpoint(hubert);
    const sink = await createCheckpointSink(dup);
    for (const info of source.list()) {
      const data = await source.readFloat32(info.name);
      const layer = layers.find((l) => info.name.startsWith(names(l).fc1));
      if (layer !== undefined) {
        const width = info.shape.length === 2 ? info.shape[1] : 1;
        for (let u = 1; u < info.shape[0]; u += 2) data.copyWithin(u * width, (u - 1) * width, u * width);
      }
      await sink.addFloat32(info.name, 'F32', info.shape, data);
    }
    await sink.commit();
    await source.close();

    const out = path.join(root, 'hubert-dup-folded');
    const report = path.join(root, 'dup-report.json');
    const { code, err } = await run('compress', dup, '--out', out, '--sparsity', '0.5', '--export', 'hf', '--report', report, '--quiet');
    expect(err).toBe('');
    expect(code).toBe(EXIT_OK);
    const r = JSON.parse(fs.readFileSync(report, 'utf8')) as CompressReport;
    expect(r.groups.map((g) => [g.kind, g.n, g.k])).toEqual([
      ['ffn', 64, 32],
      ['ffn', 64, 32],
    ]);
    expect(r.export).toBe('hf');
    const config = JSON.parse(fs.readFileSync(path.join(out, 'config.json'), 'utf8'));
    expect(config.intermediate_size).toBe(32);
    for (const l of layers) {
      const tensorNames = ['weight', 'bias'].flatMap((p) => [`${names(l).fc1}.${p}`, `${names(l).fc2}.${p}`]);
      const original = await readFloat(dup, tensorNames);
      const folded = await readFloat(out, tensorNames);
      expect(folded.get(`${names(l).fc1}.weight`)!.shape).toEqual([32, 32]);
      const x = randomInput(new Random(l), 7, 32);
      expect(maxRelDiff(ffnForward(folded, x, names(l)), ffnForward(original, x, names(l)))).toBeLessThan(1e-5);
      // The consumers really differed: summing them is what keeps the output.
      const fc2 = original.get(`${names(l).fc2}.weight`)!;
      expect(fc2.data[0]).not.toBe(fc2.data[1]);
    }
  }, 60_000);

  it('writes an hf export whose shapes are exactly what its config implies', async () => {
    const out = path.join(root, 'whisper-hf');
    const { code } = await run('compress', whisper, '--out', out, '--sparsity', '0.25', '--export', 'hf', '--quiet');
    expect(code).toBe(EXIT_OK);
    const config = JSON.parse(fs.readFileSync(path.join(out, 'config.json'), 'utf8'));
    expect(config.encoder_ffn_dim).toBe(24);
    expect(config.decoder_ffn_dim).toBe(24);
    const tensors = await readAll(out);
    for (const stack of ['encoder', 'decoder']) {
      for (const l of [0, 1]) {
        expect(tensors.get(`model.${stack}.layers.${l}.fc1.weight`)!.shape).toEqual([24, 16]);
        expect(tensors.get(`model.${stack}.layers.${l}.fc1.bias`)!.shape).toEqual([24]);
        expect(tensors.get(`model.${stack}.layers.${l}.fc2.weight`)!.shape).toEqual([16, 24]);
        expect(tensors.get(`model.${stack}.layers.${l}.fc2.bias`)!.shape).toEqual([16]);
      }
    }
  }, 60_000);

  it('creates the missing parent dirs of --out and --report, only once every check passed', async () => {
    const out = path.join(root, 'nested', 'a', 'b', 'folded');
    const report = path.join(root, 'nested', 'reports', 'r.json');
    // Refused before any work (a bad sparsity, an --out inside the input): nothing is created.
    expect((await run('compress', hubert, '--out', out, '--report', report, '--sparsity', '2', '--quiet')).code).toBe(EXIT_USAGE);
    expect((await run('compress', hubert, '--out', path.join(hubert, 'x', 'y'), '--quiet')).code).toBe(EXIT_USAGE);
    // Refused by the model's adapter, after the compressor made the parents: they are removed again.
    const bert = path.join(root, 'nested-bert');
    fs.cpSync(hubert, bert, { recursive: true });
    fs.writeFileSync(path.join(bert, 'config.json'), JSON.stringify({ ...JSON.parse(fs.readFileSync(path.join(hubert, 'config.json'), 'utf8')), model_type: 'bert' }));
    expect((await run('compress', bert, '--out', out, '--report', report, '--quiet')).code).toBe(EXIT_USAGE);
    expect(fs.existsSync(path.join(root, 'nested'))).toBe(false);
    expect(entries(hubert).filter((f) => f === 'x')).toEqual([]);
    const { code, err } = await run('compress', hubert, '--out', out, '--report', report, '--quiet');
    expect([code, err]).toEqual([EXIT_OK, '']);
    expect(entries(out)).toContain('model.safetensors');
    expect((JSON.parse(fs.readFileSync(report, 'utf8')) as CompressReport).output).toBe(out);
  }, 60_000);

  it('writes a model card, README.md, with the source, the spec, the counts, the export and how to load it', async () => {
    // A source with a README of its own: it is kept as README.source.md, never overwritten.
    const source = path.join(root, 'hubert-with-readme');
    fs.cpSync(hubert, source, { recursive: true });
    fs.writeFileSync(path.join(source, 'README.md'), '---\nlicense: apache-2.0\n---\n# The original card\n');
    const out = path.join(root, 'hubert-card');
    const report = path.join(root, 'card-report.json');
    const { code, out: summary } = await run('compress', source, '--out', out, '--sparsity', '0.25', '--report', report, '--quiet');
    expect(code).toBe(EXIT_OK);
    expect(summary).toContain('model card README.md');
    const r = JSON.parse(fs.readFileSync(report, 'utf8')) as CompressReport;
    expect(fs.readFileSync(path.join(out, 'README.source.md'), 'utf8')).toBe('---\nlicense: apache-2.0\n---\n# The original card\n');
    const card = fs.readFileSync(path.join(out, 'README.md'), 'utf8');
    const n = (x: number) => x.toLocaleString('en-US');
    for (const expected of [
      '# hubert-card\n',
      `A compressed copy of \`${source}\` (model_type \`hubert\`, \`HubertForCTC\`)`,
      `speechfold ${r.versions.speechfold}, node ${process.version}`,
      'method `fold`, policy `uniform`',
      '```json\n' + JSON.stringify(r.spec, null, 2) + '\n```',
      `| parameters | ${n(r.parameters.before)} | ${n(r.parameters.after)} |`,
      `| targeted parameters (ffn) | ${n(r.parameters.targetedBefore)} | ${n(r.parameters.targetedAfter)} |`,
      `Sparsity: 25.00% requested, ${(100 * r.sparsity.targeted).toFixed(2)}% of the targeted parameters removed`,
      '- ffn: 2 groups, 64 -> 48 units',
      'Export format: `hf`',
      `Loads in ${r.loaders}`,
      `from transformers import AutoProcessor, HubertForCTC\n\nmodel = HubertForCTC.from_pretrained(${JSON.stringify(out)})`,
      `npx speechfold eval ${out} --data LibriSpeech/test-clean`,
      "The source model's own README.md is kept unchanged as [`README.source.md`](README.source.md)",
      '**Synthetic weights.**',
    ]) {
      expect(card).toContain(expected);
    }
    expect(r.loaders).toMatch(/^stock transformers `from_pretrained`/);
    // The spec in the card repeats the run: the same tensors, byte for byte.
    const spec = path.join(root, 'card-spec.json');
    fs.writeFileSync(spec, /```json\n([\s\S]*?)\n```/.exec(card)![1]);
    const again = path.join(root, 'hubert-card-again');
    expect((await run('compress', source, '--out', again, '--spec', spec, '--quiet')).code).toBe(EXIT_OK);
    expect(fs.readFileSync(path.join(again, 'model.safetensors')).equals(fs.readFileSync(path.join(out, 'model.safetensors')))).toBe(true);
    // Compressed again: the first card is kept too, under the next free name.
    const twice = path.join(root, 'hubert-card-twice');
    expect((await run('compress', out, '--out', twice, '--sparsity', '0.25', '--quiet')).code).toBe(EXIT_OK);
    expect(fs.readFileSync(path.join(twice, 'README.source.md'), 'utf8')).toContain('# The original card');
    expect(fs.readFileSync(path.join(twice, 'README.source.1.md'), 'utf8')).toBe(card);
    expect(fs.readFileSync(path.join(twice, 'README.md'), 'utf8')).toContain('[`README.source.1.md`](README.source.1.md)');
  }, 60_000);

  it('warns when --export auto falls back to extended and when heads overshoot the sparsity, in stderr, summary, report and card', async () => {
    // Six heads per attention, as Whisper-tiny has: at 10% each group drops one head, 16.7% of it.
    const sixHeads = path.join(root, 'whisper-6-heads');
    await synthesize({
      arch: 'whisper-tiny',
      outDir: sixHeads,
      dtype: 'F32',
      seed: 3,
      config: { ...WHISPER_SMALL, d_model: 24, encoder_attention_heads: 6, decoder_attention_heads: 6 },
    });
    const out = path.join(root, 'whisper-6-heads-folded');
    const report = path.join(root, 'heads-report.json');
    const { code, out: summary, err } = await run('compress', sixHeads, '--out', out, '--groups', 'heads', '--report', report, '--quiet');
    expect(code).toBe(EXIT_OK);
    const r = JSON.parse(fs.readFileSync(report, 'utf8')) as CompressReport;
    expect(r.export).toBe('extended');
    expect(r.warnings).toEqual([
      expect.stringMatching(
        /^the targeted sparsity is 16\.67%, not the requested 10\.00%: .* the 'heads' groups have 6 units each \(one unit is 16\.67% of a group\)/,
      ),
      expect.stringMatching(/^--export auto wrote the 'extended' export, .*stock transformers cannot load it.*--export dense/),
    ]);
    expect(err).toBe(r.warnings.map((w) => `warning: ${w}\n`).join(''));
    for (const w of r.warnings) expect(summary).toContain(`warning: ${w}`);
    expect(summary).toContain("loads in speechfold's runtimes only");
    const card = fs.readFileSync(path.join(out, 'README.md'), 'utf8');
    expect(card).toContain(`## Warnings\n\n${r.warnings.map((w) => `- ${w}`).join('\n')}\n`);
    expect(card).not.toContain('```python');
    // Asked for by name, or with an export every loader reads, nothing is said about the export.
    const dense = await run('compress', sixHeads, '--out', path.join(root, 'whisper-6-heads-dense'), '--groups', 'heads', '--sparsity', '0.5', '--export', 'dense', '--quiet');
    expect([dense.code, dense.err]).toEqual([EXIT_OK, '']);
  }, 60_000);

  it('does not compare an explicit table with --sparsity (the table is the budget): no warning', async () => {
    const table = path.join(root, 'table.json');
    fs.writeFileSync(table, JSON.stringify({ table: { default: 0.5 } }));
    const report = path.join(root, 'explicit-report.json');
    const { code, err } = await run('compress', hubert, '--out', path.join(root, 'hubert-explicit'), '--policy', 'explicit', '--policy-file', table, '--report', report, '--quiet');
    expect([code, err]).toEqual([EXIT_OK, '']);
    const r = JSON.parse(fs.readFileSync(report, 'utf8')) as CompressReport;
    expect([r.sparsity.requested, r.sparsity.targeted, r.warnings]).toEqual([0.1, 0.5, []]);
  }, 60_000);

  describe('bad input: one line, exit code 2, no partial output', () => {
    async function expectRefused(argv: string[], out: string, ...mentions: string[]) {
      const { code, err } = await run('compress', ...argv, '--quiet');
      expect(code).toBe(EXIT_USAGE);
      expect(err.trim().split('\n')).toHaveLength(1);
      for (const m of mentions) expect(err).toContain(m);
      expect(entries(path.dirname(out)).filter((f) => f.startsWith(path.basename(out)))).toEqual([]);
    }

    it('an unknown model type, listing the supported ones', async () => {
      const dir = path.join(root, 'bert');
      fs.cpSync(hubert, dir, { recursive: true });
      const config = JSON.parse(fs.readFileSync(path.join(dir, 'config.json'), 'utf8'));
      fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ ...config, model_type: 'bert' }));
      const out = path.join(root, 'out-bert');
      await expectRefused([dir, '--out', out], out, 'bert', 'hubert', 'whisper');
    });

    it('a missing tensor, named', async () => {
      const dir = path.join(root, 'missing');
      fs.mkdirSync(dir);
      for (const f of entries(hubert).filter((f) => !f.endsWith('.safetensors'))) fs.copyFileSync(path.join(hubert, f), path.join(dir, f));
      const source = await openCheckpoint(hubert);
      const sink = await createCheckpointSink(dir);
      const dropped = 'hubert.encoder.layers.1.feed_forward.output_dense.weight';
      for (const info of source.list()) {
        if (info.name !== dropped) await sink.addBytes(info.name, info.dtype, info.shape, await source.readBytes(info.name));
      }
      await sink.commit();
      await source.close();
      const out = path.join(root, 'out-missing');
      await expectRefused([dir, '--out', out], out, dropped);
    });

    it('--out equal to the input', async () => {
      const { code, err } = await run('compress', hubert, '--out', hubert, '--quiet');
      expect(code).toBe(EXIT_USAGE);
      expect(err).toContain('--out');
      expect((await readAll(hubert)).size).toBeGreaterThan(0);
    });

    it('--out already existing without --force, and replaced with --force', async () => {
      const out = path.join(root, 'exists');
      fs.mkdirSync(out);
      fs.writeFileSync(path.join(out, 'keep.txt'), 'mine');
      const refused = await run('compress', hubert, '--out', out, '--quiet');
      expect(refused.code).toBe(EXIT_USAGE);
      expect(refused.err).toContain('--force');
      expect(entries(out)).toEqual(['keep.txt']);
      const forced = await run('compress', hubert, '--out', out, '--force', '--quiet');
      expect(forced.code).toBe(EXIT_OK);
      expect(entries(out)).toContain('model.safetensors');
      expect(entries(out)).not.toContain('keep.txt');
    }, 30_000);

    it.each(['1', '-0.1', '1.5', 'abc', ''])('a sparsity of %p', async (s) => {
      const out = path.join(root, `out-sparsity-${s}`);
      await expectRefused([hubert, '--out', out, '--sparsity', s], out, '--sparsity');
    });

    it('a config that disagrees with the tensor shapes', async () => {
      const dir = path.join(root, 'disagree');
      fs.cpSync(hubert, dir, { recursive: true });
      const config = JSON.parse(fs.readFileSync(path.join(dir, 'config.json'), 'utf8'));
      fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ ...config, intermediate_size: 48 }));
      const out = path.join(root, 'out-disagree');
      await expectRefused([dir, '--out', out], out, 'intermediate');
    });

    it('a hub id, saying nothing is downloaded', async () => {
      const out = path.join(root, 'out-hub');
      await expectRefused(['facebook/hubert-large-ls960-ft', '--out', out], out, 'hub', 'local');
    });

    it('an hf export of uneven widths, pointing to extended and dense', async () => {
      const out = path.join(root, 'out-uneven');
      await expectRefused([whisper, '--out', out, '--groups', 'heads', '--sparsity', '0.5', '--export', 'hf'], out, 'extended', 'dense');
    });
  });
});
