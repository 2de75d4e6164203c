/**
 * Parity with HF transformers on the reference fixture: for each synthetic checkpoint (untied and
 * tied proj_out, scale_embedding set, which HF ignores, and the English-only tiny.en vocabulary), the
 * encoder output and the prompt's logits within 1e-4, and greedy generate()'s 20 ids identical.
 * Each case runs on the plain-JS engine (the per-op path) and on the onnxruntime engine: the encoder
 * as one graph (encoder-graph.ts) with fused attention and the decoder step as one graph
 * (decoder-graph.ts, the default), and again with MatMul/Softmax encoder attention and the per-op decoder.
 * Greedy ids are also checked decoded as part of a batch (greedyDecodeBatch).
 */
import { promises as fs } from 'node:fs';
import type { Matrix, TensorEngine } from '@speechfold/core';
import { createOnnxruntimeEngine } from '@speechfold/engine-onnxruntime';
import { decodeStep } from './decoder';
import { encode } from './encoder';
import { decoderSessions } from './decoder-graph';
import { encoderSession } from './encoder-graph';
import { greedyDecode, greedyDecodeBatch } from './generate';
import { createKvCache } from './kv-cache';
import { loadWhisper } from './load';
import type { LoadWhisperOptions } from './load';
import type { WhisperModel } from './model';
import { fromBase64, maxAbsDiff, readFixture, seededFeatures, sha256OfFloats, synthesizeCase, tempDir, type FixtureCase } from './fixture.test-helper';
import { JsEngine } from './js-engine.test-helper';

const TOLERANCE = 1e-4;
// Hooks and tests run models on a plain-JS engine; shared CI machines can be slow.
jest.setTimeout(120_000);
const fixture = readFixture();

/** The engines each case runs on: the per-op path, and the onnxruntime engine with the graphs; undefined options = JS engine. */
const ENGINES: [string, () => Promise<TensorEngine>, LoadWhisperOptions | undefined][] = [
  ['js per-op', async () => new JsEngine(), undefined],
  ['onnxruntime encoder graph (fused attention) + decoder step graph', () => createOnnxruntimeEngine({ threads: 1 }), {}],
  [
    'onnxruntime encoder graph (MatMul/Softmax attention) + per-op decoder',
    () => createOnnxruntimeEngine({ threads: 1 }),
    { encoderGraph: 'matmul', decoderGraph: 'off' },
  ],
];

describe.each(ENGINES.flatMap(([engineName, makeEngine, mode]) => fixture.cases.map((c) => [`${c.name} on ${engineName}`, c, makeEngine, mode] as const)))('case %s', (_name, c: FixtureCase, makeEngine, mode) => {
  let dir: string;
  let engine: TensorEngine;
  let model: WhisperModel;
  let encoderOutput: Matrix;
  const [bins, frames] = c.features.shape;
  const features = seededFeatures(c.features.seed, bins, frames);

  test("the features are the reference script's", () => {
    expect(sha256OfFloats(features.data)).toBe(c.features.sha256);
  });

  beforeAll(async () => {
    dir = await tempDir('runtime-whisper-parity-');
    const checksum = await synthesizeCase(c, dir);
    // Same bytes as the checkpoint HF ran, or nothing below would mean anything.
    expect(checksum).toBe(c.model_sha256);
    engine = await makeEngine();
    model = await loadWhisper(dir, engine, mode ?? {});
    // The graph paths are taken exactly where they are asked for.
    expect(encoderSession(model) !== undefined).toBe(mode !== undefined);
    expect(decoderSessions(model) !== undefined).toBe(mode !== undefined && mode.decoderGraph !== 'off');
    encoderOutput = await encode(model, features);
  });

  afterAll(async () => {
    await engine?.dispose();
    await fs.rm(dir, { recursive: true, force: true });
  });

  test('encoder output matches HF within 1e-4', () => {
    expect([encoderOutput.rows, encoderOutput.cols]).toEqual(c.encoder.shape);
    const d = encoderOutput.cols;
    const want = fromBase64(c.encoder.values);
    const got = new Float32Array(c.encoder.rows.length * d);
    c.encoder.rows.forEach((r, i) => got.set(encoderOutput.data.subarray(r * d, (r + 1) * d), i * d));
    expect(maxAbsDiff(got, want)).toBeLessThanOrEqual(TOLERANCE);
    let sum = 0;
    let absSum = 0;
    for (const v of encoderOutput.data) {
      sum += v;
      absSum += Math.abs(v);
    }
    expect(Math.abs(sum - c.encoder.sum)).toBeLessThanOrEqual(TOLERANCE * encoderOutput.data.length);
    expect(Math.abs(absSum - c.encoder.abs_sum)).toBeLessThanOrEqual(TOLERANCE * encoderOutput.data.length);
  });

  test('prompt logits match HF within 1e-4', async () => {
    const cache = await createKvCache(model, encoderOutput);
    const logits = await decodeStep(model, cache, c.prompt);
    const { ids } = c.prompt_logits;
    const want = fromBase64(c.prompt_logits.values);
    const got = new Float32Array(logits.rows * ids.length);
    for (let r = 0; r < logits.rows; r++) ids.forEach((id, j) => (got[r * ids.length + j] = logits.data[r * logits.cols + id]));
    expect(logits.rows).toBe(c.prompt.length);
    expect(maxAbsDiff(got, want)).toBeLessThanOrEqual(TOLERANCE);
  });

  test('greedy ids equal HF generate(max_new_tokens=20), step logits within 1e-4', async () => {
    const stepLogits: Float32Array[] = [];
    const result = await greedyDecode(model, encoderOutput, {
      maxNewTokens: c.generate.max_new_tokens,
      onLogits: (_step, logits) => stepLogits.push(logits),
    });
    expect(result.prompt).toEqual(c.prompt);
    expect(result.tokens).toEqual(c.generate.tokens);
    expect(result.stopReason).toBe(c.generate.tokens.length < c.generate.max_new_tokens ? 'eos' : 'length');
    c.generate.steps.forEach((step, i) => {
      const got = step.top_ids.map((id) => stepLogits[i][id]);
      expect(maxAbsDiff(got, step.top_values)).toBeLessThanOrEqual(TOLERANCE);
    });
  });

  test('decoded in a batch beside another utterance, the greedy ids still equal HF generate', async () => {
    const other = await encode(model, seededFeatures(c.features.seed + 1, bins, frames));
    const options = { maxNewTokens: c.generate.max_new_tokens };
    const [first, beside, again] = await greedyDecodeBatch(model, [encoderOutput, other, encoderOutput], options);
    expect(first.tokens).toEqual(c.generate.tokens);
    expect(again.tokens).toEqual(c.generate.tokens);
    expect(beside).toEqual(await greedyDecode(model, other, options));
  });
});
