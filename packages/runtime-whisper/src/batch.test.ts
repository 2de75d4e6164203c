/**
 * Batched greedy decoding (greedyDecodeBatch): several utterances in one decoder step give each the
 * tokens, stop reason and logits greedyDecode gives it alone, also when the sequences stop at
 * different steps and leave the batch. On the onnxruntime graph decoder and on the per-op path.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { MethodError, OptionError, type Matrix, type TensorEngine } from '@speechfold/core';
import { createOnnxruntimeEngine } from '@speechfold/engine-onnxruntime';
import { synthesize } from '@speechfold/synth';
import { decoderSessions } from './decoder-graph';
import { greedyDecode, greedyDecodeBatch, transcribe, transcribeBatch, type GreedyOptions, type GreedyResult } from './generate';
import { loadWhisper } from './load';
import type { WhisperModel } from './model';
import { QUICK_CONFIG, maxAbsDiff, seededFeatures, tempDir } from './fixture.test-helper';

jest.setTimeout(120_000);

let dir: string;
let engine: TensorEngine;
let model: WhisperModel;
let perOp: WhisperModel;
const features: Matrix[] = [];
const outputs: Matrix[] = [];

beforeAll(async () => {
  dir = await tempDir('runtime-whisper-batch-');
  await synthesize({ arch: 'whisper-tiny', outDir: path.join(dir, 'model'), seed: 4, config: QUICK_CONFIG });
  engine = await createOnnxruntimeEngine({ threads: 1 });
  model = await loadWhisper(path.join(dir, 'model'), engine);
  perOp = await loadWhisper(path.join(dir, 'model'), engine, { decoderGraph: 'off' });
  expect(decoderSessions(model)).toBeDefined();
  expect(decoderSessions(perOp)).toBeUndefined();
  for (const seed of [11, 12, 13]) features.push(seededFeatures(seed, 80, 300));
  // The encoder of random weights gives near-alike outputs, whose decodings are alike; large random
  // outputs make the utterances decode differently (what the stopping test needs).
  for (const seed of [21, 22, 23, 24, 25]) {
    const m = seededFeatures(seed, QUICK_CONFIG.max_source_positions, QUICK_CONFIG.d_model);
    outputs.push({ ...m, data: m.data.map((v) => 40 * v) });
  }
});

afterAll(async () => {
  await engine?.dispose();
  await fs.rm(dir, { recursive: true, force: true });
});

/** Each output decoded alone, with every step's raw logits. */
async function oneByOne(m: WhisperModel, options: GreedyOptions): Promise<{ results: GreedyResult[]; logits: Float32Array[][] }> {
  const results: GreedyResult[] = [];
  const logits: Float32Array[][] = [];
  for (const out of outputs) {
    const mine: Float32Array[] = [];
    results.push(await greedyDecode(m, out, { ...options, onLogits: (_s, l) => mine.push(l) }));
    logits.push(mine);
  }
  return { results, logits };
}

/** The model with end of text also at these ids. */
function withEos(m: WhisperModel, ids: number[]): WhisperModel {
  return { ...m, generation: { ...m.generation, eosTokenIds: [...m.generation.eosTokenIds, ...ids] } };
}

test.each([
  ['the graph decoder', () => model],
  ['the per-op decoder', () => perOp],
])('on %s, a batch gives every utterance its own tokens and logits, whichever step each stops at', async (_name, which) => {
  const plain = which();
  const options = { maxNewTokens: 8 };
  const free = await oneByOne(plain, options);
  // End of text at tokens the utterances generate at different steps, so they leave the batch one by one.
  const m = withEos(plain, [free.results[0].tokens[1], free.results[3].tokens[6], free.results[4].tokens[5]]);
  const alone = await oneByOne(m, options);
  const lengths = alone.results.map((r) => r.tokens.length);
  expect(lengths).toEqual([1, 8, 8, 6, 5]);
  expect(alone.results.map((r) => r.stopReason)).toEqual(['eos', 'length', 'length', 'eos', 'eos']);
  const logits: Float32Array[][] = outputs.map(() => []);
  const batched = await greedyDecodeBatch(m, outputs, { ...options, onLogits: (step, l, sequence) => (logits[sequence][step] = l) });
  expect(batched.map((r) => [r.tokens, r.stopReason, r.text])).toEqual(alone.results.map((r) => [r.tokens, r.stopReason, r.text]));
  alone.logits.forEach((steps, i) => {
    expect(logits[i]).toHaveLength(steps.length);
    steps.forEach((l, s) => expect(maxAbsDiff(logits[i][s], l)).toBeLessThanOrEqual(1e-4));
  });
});

test('a batch of one is greedyDecode; the same utterance twice in a batch decodes alike', async () => {
  const [alone] = (await oneByOne(model, { maxNewTokens: 6 })).results;
  const [single] = await greedyDecodeBatch(model, [outputs[0]], { maxNewTokens: 6 });
  expect(single).toEqual(alone);
  const twice = await greedyDecodeBatch(model, [outputs[0], outputs[1], outputs[0]], { maxNewTokens: 6 });
  expect(twice[2]).toEqual(twice[0]);
  expect(twice[0]).toEqual(alone);
});

test('transcribeBatch = encode each + greedyDecodeBatch = transcribe each', async () => {
  const batched = await transcribeBatch(model, features, { maxNewTokens: 5 });
  for (const [i, f] of features.entries()) expect(batched[i]).toEqual(await transcribe(model, f, { maxNewTokens: 5 }));
});

test('bad batches are refused before any work: mixed lengths, wrong widths, bad options; an empty batch is empty', async () => {
  await expect(greedyDecodeBatch(model, [])).resolves.toEqual([]);
  const short: Matrix = { data: outputs[0].data.subarray(0, 10 * outputs[0].cols), rows: 10, cols: outputs[0].cols };
  await expect(greedyDecodeBatch(model, [outputs[0], short])).rejects.toThrow(/one length, got 150, 10 frames/);
  await expect(greedyDecodeBatch(model, [outputs[0], { data: new Float32Array(12), rows: 3, cols: 4 }])).rejects.toBeInstanceOf(MethodError);
  await expect(greedyDecodeBatch(model, outputs, { maxNewTokens: 0 })).rejects.toBeInstanceOf(OptionError);
  await expect(greedyDecodeBatch(model, outputs, { language: 'xx' })).rejects.toThrow(/lang_to_id/);
});
