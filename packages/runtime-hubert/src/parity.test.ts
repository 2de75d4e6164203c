/**
 * Parity with HF transformers' HubertForCTC: tools/reference/hubert_reference.py ran the same
 * synthetic checkpoints (checked by sha256) on the same waveform and stored logits and decodes.
 * Each case runs on three paths of the onnxruntime engine: per op ('off'), and the whole forward as
 * one graph (forward-graph.ts) with fused attention and with MatMul/Softmax attention.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TensorEngine } from '@speechfold/core';
import { createOnnxruntimeEngine } from '@speechfold/engine-onnxruntime';
import { argmaxRows } from './ctc';
import { maxAbsDiff, readFixture, sha256File, synthesizeFixtureModel, tempDir } from './fixtures.test-helper';
import type { HubertGraphMode } from './forward-graph';
import { loadHubert } from './model';
import { prepareInput } from './preprocess';

const CASES = ['stable-layer-norm', 'post-layer-norm', 'post-ln-variant'];
/** The bound on the logits difference. */
const LOGITS_TOLERANCE = 1e-4;
const PATHS: HubertGraphMode[] = ['off', 'fused', 'matmul'];
jest.setTimeout(60_000);

let engine: TensorEngine;
let dir: string;

beforeAll(async () => {
  engine = await createOnnxruntimeEngine({ threads: 2 });
  dir = tempDir();
});

afterAll(async () => {
  await engine.dispose();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe.each(CASES.flatMap((name) => PATHS.map((mode) => [name, mode] as const)))('HubertForCTC parity: %s, forwardGraph %s', (name, mode) => {
  const fixture = readFixture(name);

  it('matches HF logits, argmax ids and greedy text', async () => {
    const modelDir = await synthesizeFixtureModel(fixture, path.join(dir, `${name}-${mode}`));
    // The test synthesises the model instead of storing it: it must be byte-identical to the one HF ran.
    expect(sha256File(path.join(modelDir, 'model.safetensors'))).toBe(fixture.model_sha256);
    const model = await loadHubert(modelDir, engine, { forwardGraph: mode });
    // The graph path is taken exactly where it is asked for.
    expect(model.usesForwardGraph).toBe(mode !== 'off');

    // The feature extractor's normalisation.
    expect(maxAbsDiff(prepareInput(fixture.waveform, model.preprocessor), fixture.input_values)).toBeLessThan(1e-5);

    const logits = await model.logits(fixture.input_values);
    expect([logits.rows, logits.cols]).toEqual([fixture.frames, fixture.vocab_size]);
    expect(model.frameCount(fixture.waveform.length)).toBe(fixture.frames);
    const diff = maxAbsDiff(logits.data, fixture.logits);
    expect(diff).toBeLessThanOrEqual(LOGITS_TOLERANCE);
    expect(Array.from(argmaxRows(logits))).toEqual(fixture.argmax_ids);
    expect(model.decode(logits)).toBe(fixture.hf_text);
    expect(await model.transcribe(fixture.waveform)).toBe(fixture.hf_text);
    // hiddenStates agrees with logits' path (the graph gives both from one run).
    const hidden = await model.hiddenStates(fixture.input_values);
    expect(hidden.rows).toBe(fixture.frames);
  });
});
