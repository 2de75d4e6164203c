import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { synthesize } from '@speechfold/synth';
import { main } from '../main';
import { memoryIO } from '../io';
import { EXIT_OK, EXIT_USAGE } from '../exit';
import type { EvalJson } from './eval';

const TEST_CLEAN = path.resolve(__dirname, '../../../../test-data/LibriSpeech/test-clean');
let root: string;
let model: string;

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'speechfold-cli-eval-'));
  model = path.join(root, 'hubert');
  await synthesize({ arch: 'hubert-tiny', outDir: model, seed: 5, dtype: 'F16' });
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

async function run(...argv: string[]) {
  const io = memoryIO();
  const code = await main(argv, io);
  return { code, out: io.out.join(''), err: io.err.join('') };
}

describe('speechfold eval', () => {
  it('writes the documented JSON and prints WER and the real-time factor', async () => {
    const json = path.join(root, 'eval.json');
    const { code, out } = await run('eval', model, '--data', TEST_CLEAN, '--limit', '2', '--json', json, '--quiet');
    expect(code).toBe(EXIT_OK);
    expect(out).toMatch(/^WER \d+\.\d\d% on 2 utterances/);
    expect(out).toContain('real-time factor');
    const r = JSON.parse(fs.readFileSync(json, 'utf8')) as EvalJson;
    for (const key of ['wer', 'words', 'substitutions', 'deletions', 'insertions', 'utterances', 'seconds', 'engine']) {
      expect(r).toHaveProperty(key);
    }
    expect(r.utterances.map((u) => Object.keys(u).slice(0, 3))).toEqual([
      ['id', 'ref', 'hyp'],
      ['id', 'ref', 'hyp'],
    ]);
  }, 60_000);

  it('warns that a synthetic checkpoint has random weights, and says so in --json; a real one gets no such word', async () => {
    const json = path.join(root, 'nested', 'dir', 'synthetic.json');
    const synthetic = await run('eval', model, '--data', TEST_CLEAN, '--limit', '1', '--json', json, '--quiet');
    expect(synthetic.code).toBe(EXIT_OK);
    expect(synthetic.err).toBe(
      `warning: ${model} is a synthetic checkpoint (speechfold-synthetic.json): its weights are random, so the WER below is meaningless\n`,
    );
    // --json's missing parent dirs were created.
    expect((JSON.parse(fs.readFileSync(json, 'utf8')) as EvalJson).synthetic).toBe(true);
    const real = path.join(root, 'no-marker');
    fs.cpSync(model, real, { recursive: true });
    fs.rmSync(path.join(real, 'speechfold-synthetic.json'));
    const realJson = path.join(root, 'real.json');
    const plain = await run('eval', real, '--data', TEST_CLEAN, '--limit', '1', '--json', realJson, '--quiet');
    expect([plain.code, plain.err]).toEqual([EXIT_OK, '']);
    expect((JSON.parse(fs.readFileSync(realJson, 'utf8')) as EvalJson).synthetic).toBe(false);
  }, 60_000);

  it('names a missing data path, a missing model and a bad --limit in one line with exit code 2', async () => {
    const missing = path.join(root, 'no-split');
    for (const argv of [
      ['eval', model, '--data', missing],
      ['eval', path.join(root, 'no-model'), '--data', TEST_CLEAN],
      ['eval', model, '--data', TEST_CLEAN, '--limit', '0'],
      ['eval', model, '--data', TEST_CLEAN, '--batch-size', '0'],
    ]) {
      const { code, err } = await run(...argv, '--quiet');
      expect(code).toBe(EXIT_USAGE);
      expect(err.trim().split('\n')).toHaveLength(1);
    }
    expect((await run('eval', model, '--data', missing, '--quiet')).err).toContain(missing);
    expect((await run('eval', model, '--data', TEST_CLEAN, '--batch-size', '1.5', '--quiet')).err).toMatch(/--batch-size/);
  }, 30_000);

  it('--batch-size decodes Whisper utterances together with the same transcripts', async () => {
    const whisper = path.join(root, 'whisper');
    const small = { d_model: 64, encoder_layers: 2, decoder_layers: 2, encoder_attention_heads: 4, decoder_attention_heads: 4, encoder_ffn_dim: 128, decoder_ffn_dim: 128 };
    await synthesize({ arch: 'whisper-tiny', outDir: whisper, seed: 2, config: small });
    const hyps = async (batch: string): Promise<string[]> => {
      const json = path.join(root, `whisper-batch-${batch}.json`);
      const { code } = await run('eval', whisper, '--data', TEST_CLEAN, '--limit', '3', '--max-new-tokens', '3', '--batch-size', batch, '--json', json, '--quiet');
      expect(code).toBe(EXIT_OK);
      return (JSON.parse(fs.readFileSync(json, 'utf8')) as EvalJson).utterances.map((u) => u.hypRaw);
    };
    expect(await hyps('3')).toEqual(await hyps('1'));
  }, 120_000);
});
