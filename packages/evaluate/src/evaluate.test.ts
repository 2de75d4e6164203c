import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FormatError, MethodError, ModelDirCompressor, PathError, type TensorEngine } from '@speechfold/core';
import { decodeAudioFile, encodeWav } from '@speechfold/audio';
import { InputLengthError } from '@speechfold/runtime-hubert';
import { createOnnxruntimeEngine } from '@speechfold/engine-onnxruntime';
import { createCompressionContainer, defaultAdapters } from '@speechfold/presets';
import { synthesize } from '@speechfold/synth';
import { evaluate } from './evaluate';
import { DEFAULT_WHISPER_BATCH_SIZE, loadRecognizer, type Recognizer } from './recognizer';

const TEST_CLEAN = path.resolve(__dirname, '../../../test-data/LibriSpeech/test-clean');

let root: string;
let engine: TensorEngine;
let hubert: string;
let whisper: string;

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'speechfold-eval-'));
  engine = await createOnnxruntimeEngine();
  hubert = path.join(root, 'hubert');
  await synthesize({ arch: 'hubert-tiny', outDir: hubert, seed: 3 });
  whisper = path.join(root, 'whisper');
  const small = { d_model: 64, encoder_layers: 2, decoder_layers: 2, encoder_attention_heads: 4, decoder_attention_heads: 4, encoder_ffn_dim: 128, decoder_ffn_dim: 128 };
  await synthesize({ arch: 'whisper-tiny', outDir: whisper, seed: 0, config: small });
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
    const spec = { method: 'kmeans', policy: 'mixed', sparsity: 0.3, groups: ['ffn', 'heads'], export: 'extended' };
    const c = createCompressionContainer({ engine, adapters: defaultAdapters(), spec });
    const result = await c.resolve(ModelDirCompressor).compress(hubert, out);
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
    expect(report.skipped[0].reason).toBe('missing-audio');
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
    expect(report.skipped.map((s) => s.reason)).toEqual(['bad-audio', 'bad-audio']);
    await expect(evaluate(recognizer, { data: dir, strict: true })).rejects.toThrow(/1089-134686-0001\.flac/);
    const resampled = await evaluate(recognizer, { data: dir, resample: true });
    expect(resampled.utterances.map((u) => u.id)).toEqual([id, '1089-134686-0002']);
  }, 60_000);

  it('reads a transcript with CRLF line ends like one with LF', async () => {
    const { dir, chapter, id } = smallSplit('crlf');
    const transcript = path.join(chapter, '1089-134686.trans.txt');
    const lf = await evaluate(await loadRecognizer(hubert, engine), { data: dir });
    fs.writeFileSync(transcript, fs.readFileSync(transcript, 'utf8').replace(/\n/g, '\r\n'));
    const crlf = await evaluate(await loadRecognizer(hubert, engine), { data: dir });
    expect(crlf.skipped).toEqual([]);
    expect(crlf.utterances.map((u) => [u.id, u.ref, u.hyp])).toEqual(lf.utterances.map((u) => [u.id, u.ref, u.hyp]));
    expect(crlf.utterances.map((u) => u.id)).toEqual([id]);
  }, 60_000);

  it('skips a 0- and a 1-sample file as too short for HuBERT, naming them, and scores the rest', async () => {
    const { dir, chapter, id } = smallSplit('too-short');
    fs.writeFileSync(path.join(chapter, '1089-134686-0001.wav'), encodeWav([new Float32Array(0)], 16000));
    fs.writeFileSync(path.join(chapter, '1089-134686-0002.wav'), encodeWav([Float32Array.of(0.25)], 16000));
    fs.appendFileSync(path.join(chapter, '1089-134686.trans.txt'), '1089-134686-0001 EMPTY\n1089-134686-0002 ONE SAMPLE\n');
    const recognizer = await loadRecognizer(hubert, engine);
    const report = await evaluate(recognizer, { data: dir });
    expect(report.utterances.map((u) => u.id)).toEqual([id]);
    expect(report.words).toBe(report.utterances[0].ref.split(' ').length);
    expect(report.skipped.map((s) => [s.id, s.reason])).toEqual([
      ['1089-134686-0001', 'too-short'],
      ['1089-134686-0002', 'too-short'],
    ]);
    expect(report.skipped[0].message).toContain(path.join(chapter, '1089-134686-0001.wav'));
    expect(report.skipped[0].message).toContain('0 samples');
    expect(report.skipped[1].message).toMatch(/1 samples .*at least 400 samples/);
    await expect(evaluate(recognizer, { data: dir, strict: true })).rejects.toThrow(/1089-134686-0001\.wav: too short for HuBERT/);
  }, 60_000);

  it('a recognizer that does not say what it takes still gets the runtime refusal skipped under its reason', async () => {
    const { dir, chapter } = smallSplit('runtime-refusal');
    fs.writeFileSync(path.join(chapter, '1089-134686-0001.wav'), encodeWav([new Float32Array(10)], 16000));
    fs.appendFileSync(path.join(chapter, '1089-134686.trans.txt'), '1089-134686-0001 TEN SAMPLES\n');
    const full = await loadRecognizer(hubert, engine);
    const bare: Recognizer = { kind: 'hubert', transcribe: (samples) => full.transcribe(samples) };
    await expect(bare.transcribe(new Float32Array(10))).rejects.toBeInstanceOf(InputLengthError);
    const report = await evaluate(bare, { data: dir });
    expect(report.utterances).toHaveLength(1);
    expect(report.skipped.map((s) => [s.id, s.reason])).toEqual([['1089-134686-0001', 'too-short']]);
  }, 60_000);

  it('skips HuBERT utterances over the length limit (default 60 s, maxAudioSeconds) before running the model', async () => {
    const { dir, chapter, id } = smallSplit('too-long');
    // 61 s of a quiet tone: decoded, then refused without a forward pass.
    const tone = Float32Array.from({ length: 61 * 16000 }, (_, i) => 0.05 * Math.sin((2 * Math.PI * 220 * i) / 16000));
    fs.writeFileSync(path.join(chapter, '1089-134686-0001.wav'), encodeWav([tone], 16000));
    fs.appendFileSync(path.join(chapter, '1089-134686.trans.txt'), '1089-134686-0001 A LONG TONE\n');
    let transcribed = 0;
    const full = await loadRecognizer(hubert, engine);
    const counting: Recognizer = { ...full, transcribe: (samples) => (transcribed++, full.transcribe(samples)) };
    const report = await evaluate(counting, { data: dir });
    expect(transcribed).toBe(1);
    expect(report.utterances.map((u) => u.id)).toEqual([id]);
    expect(report.skipped).toHaveLength(1);
    expect(report.skipped[0]).toMatchObject({ id: '1089-134686-0001', reason: 'too-long' });
    expect(report.skipped[0].message).toMatch(/976000 samples \(61 s at 16000 Hz\).*960000 samples \(60 s/);
    // A lower limit skips the real 10 s utterance too.
    // With every utterance skipped there is no WER to report (0% over nothing would read as perfect).
    const capped = evaluate(await loadRecognizer(hubert, engine, { maxAudioSeconds: 5 }), { data: dir });
    await expect(capped).rejects.toBeInstanceOf(PathError);
    await expect(capped).rejects.toThrow(/no utterance could be scored \(2 skipped; the first: .*too long/);
    await expect(loadRecognizer(hubert, engine, { maxAudioSeconds: 0 })).rejects.toThrow(/maxAudioSeconds/);
  }, 60_000);

  it('never scores a truncated Whisper hypothesis: an utterance over 30 s is skipped with the reason', async () => {
    const { dir, chapter, id } = smallSplit('whisper-long');
    // The real utterance three times over: about 31 s.
    const { samples } = await decodeAudioFile(path.join(chapter, `${id}.flac`));
    const long = new Float32Array(3 * samples.length);
    for (let i = 0; i < 3; i++) long.set(samples, i * samples.length);
    expect(long.length).toBeGreaterThan(480000);
    fs.writeFileSync(path.join(chapter, '1089-134686-0001.wav'), encodeWav([long], 16000));
    fs.appendFileSync(path.join(chapter, '1089-134686.trans.txt'), '1089-134686-0001 THREE TIMES THE FIRST\n');
    const recognizer = await loadRecognizer(whisper, engine, { maxNewTokens: 3 });
    expect(recognizer.lengthProblem?.(480000)).toBeUndefined();
    expect(recognizer.lengthProblem?.(480001)?.reason).toBe('too-long');
    const report = await evaluate(recognizer, { data: dir });
    expect(report.utterances.map((u) => u.id)).toEqual([id]);
    expect(report.skipped).toHaveLength(1);
    expect(report.skipped[0]).toMatchObject({ id: '1089-134686-0001', reason: 'too-long' });
    expect(report.skipped[0].message).toContain("longer than Whisper's 30 s window; long-form transcription is not supported");
    // Called directly, the recognizer refuses too rather than transcribe the first 30 s.
    await expect(recognizer.transcribe(long)).rejects.toThrow(/30 s window/);
    await expect(loadRecognizer(whisper, engine, { maxAudioSeconds: 31 })).rejects.toThrow(/maxAudioSeconds: 31 s is longer than Whisper's 30 s window/);
  }, 120_000);

  it('decodes Whisper utterances in batches of batchSize with the transcripts of one at a time, reported in order', async () => {
    const limit = 5;
    const one = await evaluate(await loadRecognizer(whisper, engine, { maxNewTokens: 4, batchSize: 1 }), { data: TEST_CLEAN, limit });
    const full = await loadRecognizer(whisper, engine, { maxNewTokens: 4, batchSize: 2 });
    expect(full.batchSize).toBe(2);
    const sizes: number[] = [];
    const counting: Recognizer = { ...full, transcribeBatch: (batch) => (sizes.push(batch.length), full.transcribeBatch!(batch)) };
    const steps: string[] = [];
    const batched = await evaluate(counting, { data: TEST_CLEAN, limit, progress: (e) => e.type === 'step' && steps.push(e.item ?? '') });
    // Two batches of two; the last utterance alone goes through transcribe.
    expect(sizes).toEqual([2, 2]);
    expect(batched.utterances.map((u) => [u.id, u.hypRaw])).toEqual(one.utterances.map((u) => [u.id, u.hypRaw]));
    expect(steps).toEqual(one.utterances.map((u) => u.id));
    expect(batched.utterances.every((u) => u.seconds > 0)).toBe(true);
    expect((await loadRecognizer(whisper, engine)).batchSize).toBe(DEFAULT_WHISPER_BATCH_SIZE);
    await expect(loadRecognizer(whisper, engine, { batchSize: 0 })).rejects.toThrow(/batchSize: expected a positive integer, got 0/);
  }, 120_000);

  it("a batch that fails on one utterance's input is retried one by one, so only that utterance is skipped", async () => {
    const { dir, chapter, id } = smallSplit('batch-retry');
    fs.writeFileSync(path.join(chapter, '1089-134686-0001.wav'), encodeWav([new Float32Array(1600)], 16000));
    fs.copyFileSync(path.join(chapter, `${id}.flac`), path.join(chapter, '1089-134686-0002.flac'));
    fs.appendFileSync(path.join(chapter, '1089-134686.trans.txt'), '1089-134686-0001 SILENCE\n1089-134686-0002 THE FIRST AGAIN\n');
    const full = await loadRecognizer(whisper, engine, { maxNewTokens: 3 });
    // A recognizer that refuses 0.1 s inputs as a bad file, alone or in a batch.
    const refuse = (samples: Float32Array): void => {
      if (samples.length === 1600) throw new FormatError({ file: 'x.wav' }, 'refused');
    };
    const picky: Recognizer = {
      kind: 'whisper',
      batchSize: 3,
      transcribe: async (samples) => (refuse(samples), full.transcribe(samples)),
      transcribeBatch: async (batch) => (batch.forEach(refuse), full.transcribeBatch!(batch)),
    };
    const report = await evaluate(picky, { data: dir });
    expect(report.utterances.map((u) => u.id)).toEqual([id, '1089-134686-0002']);
    expect(report.utterances[1].hypRaw).toBe(report.utterances[0].hypRaw);
    expect(report.skipped.map((s) => [s.id, s.reason])).toEqual([['1089-134686-0001', 'bad-audio']]);
    await expect(evaluate(picky, { data: dir, strict: true })).rejects.toThrow(/refused/);
    // An error that is not the utterance's (the model's, the engine's) stops the run.
    const broken: Recognizer = { ...picky, transcribeBatch: async () => Promise.reject(new MethodError({}, 'engine broke')) };
    await expect(evaluate(broken, { data: dir })).rejects.toThrow(/engine broke/);
  }, 120_000);

  it('refuses an empty split and a missing data path with typed errors naming them', async () => {
    const empty = path.join(root, 'empty');
    fs.mkdirSync(empty);
    const recognizer: Recognizer = { kind: 'hubert', transcribe: async () => '' };
    await expect(evaluate(recognizer, { data: empty })).rejects.toThrow(empty);
    await expect(evaluate(recognizer, { data: path.join(root, 'nope') })).rejects.toBeInstanceOf(PathError);
  });
});
