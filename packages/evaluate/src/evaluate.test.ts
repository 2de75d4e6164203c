import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MethodError, ModelDirCompressor, PathError, type TensorEngine } from '@speechfold/core';
import { encodeWav } from '@speechfold/audio';
import { createOnnxruntimeEngine } from '@speechfold/engine-onnxruntime';
import { createCompressionContainer, defaultAdapters } from '@speechfold/presets';
import { synthesize } from '@speechfold/synth';
import { evaluate } from './evaluate';
import { loadRecognizer, type Recognizer } from './recognizer';

const TEST_CLEAN = path.resolve(__dirname, '../../../test-data/LibriSpeech/test-clean');

let root: string;
let engine: TensorEngine;
let hubert: string;

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'speechfold-eval-'));
  engine = await createOnnxruntimeEngine();
  hubert = path.join(root, 'hubert');
  await synthesize({ arch: 'hubert-tiny', outDir: hubert, seed: 3 });
});

afterAll(async () => {
  await engine.dispose();
  fs.rmSync(root, { recursive: true, force: true });
});

/** A split dir holding one real utterance (copied) plus whatever the test adds. */
function smallSplit(name: string): { dir: string; chapter: string; id: string } {
  const id = '1089-134686-0000';
  const chapter = path.join(root, name, '1089', '134686');
  fs.mkdirSync(chapter, { recursive: true });
  fs.copyFileSync(path.join(TEST_CLEAN, '1089', '134686', `${id}.flac`), path.join(chapter, `${id}.flac`));
  const line = fs
    .readFileSync(path.join(TEST_CLEAN, '1089', '134686', '1089-134686.trans.txt'), 'utf8')
    .split('\n')
    .find((l) => l.startsWith(id))!;
  fs.writeFileSync(path.join(chapter, '1089-134686.trans.txt'), line + '\n');
  return { dir: path.join(root, name), chapter, id };
}

describe('evaluate', () => {
  it('transcribes every utterance of the shared test-clean split with a synthetic HuBERT and scores WER', async () => {
    const recognizer = await loadRecognizer(hubert, engine);
    const report = await evaluate(recognizer, { data: TEST_CLEAN });
    expect(report.utterances).toHaveLength(25);
    expect(report.skipped).toEqual([]);
    expect(report.utterances.every((u) => typeof u.hyp === 'string' && u.ref.length > 0 && u.audioSeconds > 1)).toBe(true);
    expect(report.words).toBe(report.utterances.reduce((s, u) => s + u.ref.split(' ').length, 0));
    expect(report.substitutions + report.deletions + report.insertions).toBe(Math.round(report.wer * report.words));
    expect(report.normalizer).toBe('basic');
    expect(report.rtf).toBeGreaterThan(0);
  }, 120_000);

  it('loads and evaluates an extended export from compress (per-layer widths and heads)', async () => {
    const out = path.join(root, 'hubert-extended');
    // k-means under mixed gives uneven per-layer widths, which is what this test needs.
    const c = createCompressionContainer({ engine, adapters: defaultAdapters(), method: 'kmeans', policy: 'mixed' });
    const result = await c.resolve(ModelDirCompressor).compress(hubert, out, {
      method: 'fold', sparsity: 0.3, kinds: ['ffn', 'heads'], seed: 0, exportMode: 'extended',
    });
    expect(result.exportMode).toBe('extended');
    expect(new Set(result.groups.filter((g) => g.kind === 'ffn').map((g) => g.k)).size).toBeGreaterThan(1);
    const report = await evaluate(await loadRecognizer(out, engine), { data: TEST_CLEAN, limit: 2 });
    expect(report.utterances.map((u) => u.id)).toEqual(['1089-134686-0000', '1089-134686-0001']);
  }, 120_000);

  it('names a transcript line without audio and skips it, or stops with --strict', async () => {
    const { dir, chapter } = smallSplit('orphan');
    fs.appendFileSync(path.join(chapter, '1089-134686.trans.txt'), '1089-134686-9999 NO AUDIO FOR THIS LINE\n');
    const recognizer = await loadRecognizer(hubert, engine);
    const report = await evaluate(recognizer, { data: dir });
    expect(report.utterances).toHaveLength(1);
    expect(report.skipped).toHaveLength(1);
    expect(report.skipped[0].message).toContain('1089-134686-9999');
    await expect(evaluate(recognizer, { data: dir, strict: true })).rejects.toBeInstanceOf(MethodError);
  }, 60_000);

  it('counts and skips an unreadable file and a wrong sample rate; --resample converts the rate', async () => {
    const { dir, chapter, id } = smallSplit('bad-files');
    fs.writeFileSync(path.join(chapter, '1089-134686-0001.flac'), Buffer.from('fLaC this is not a flac file'));
    const tone = Float32Array.from({ length: 8000 }, (_, i) => 0.1 * Math.sin((2 * Math.PI * 440 * i) / 8000));
    fs.writeFileSync(path.join(chapter, '1089-134686-0002.wav'), encodeWav([tone], 8000));
    fs.appendFileSync(path.join(chapter, '1089-134686.trans.txt'), '1089-134686-0001 BROKEN\n1089-134686-0002 A TONE\n');
    const recognizer = await loadRecognizer(hubert, engine);
    const report = await evaluate(recognizer, { data: dir });
    expect(report.utterances.map((u) => u.id)).toEqual([id]);
    const messages = report.skipped.map((s) => `${s.id}: ${s.message}`);
    expect(messages).toHaveLength(2);
    expect(messages.find((m) => m.startsWith('1089-134686-0001'))).toContain('1089-134686-0001.flac');
    expect(messages.find((m) => m.startsWith('1089-134686-0002'))).toMatch(/8000/);
    await expect(evaluate(recognizer, { data: dir, strict: true })).rejects.toThrow(/1089-134686-0001\.flac/);
    const resampled = await evaluate(recognizer, { data: dir, resample: true });
    expect(resampled.utterances.map((u) => u.id)).toEqual([id, '1089-134686-0002']);
  }, 60_000);

  it('refuses an empty split and a missing data path with typed errors naming them', async () => {
    const empty = path.join(root, 'empty');
    fs.mkdirSync(empty);
    const recognizer: Recognizer = { kind: 'hubert', transcribe: async () => '' };
    await expect(evaluate(recognizer, { data: empty })).rejects.toThrow(empty);
    await expect(evaluate(recognizer, { data: path.join(root, 'nope') })).rejects.toBeInstanceOf(PathError);
  });
});
