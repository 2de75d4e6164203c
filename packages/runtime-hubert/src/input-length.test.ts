/** Input length limits: too short for the conv stack, too long for the memory bound. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { OptionError, TensorEngine } from '@speechfold/core';
import { createOnnxruntimeEngine } from '@speechfold/engine-onnxruntime';
import { synthesize } from '@speechfold/synth';
import { InputLengthError } from './errors';
import { frameCount } from './feature-encoder';
import { DEFAULT_MAX_SECONDS, receptiveField } from './input-length';
import { loadHubert } from './model';
import { tempDir } from './fixtures.test-helper';

let engine: TensorEngine;
let dir: string;
let stock: string;
let custom: string;

beforeAll(async () => {
  engine = await createOnnxruntimeEngine({ threads: 2 });
  dir = tempDir();
  stock = path.join(dir, 'stock');
  await synthesize({ arch: 'hubert-tiny', outDir: stock, seed: 5 });
  // A three-layer conv stack: receptive field (((1 - 1) * 8 + 4 - 1) * 8 + 8 - 1) * 5 + 10 = 165.
  custom = path.join(dir, 'custom');
  await synthesize({ arch: 'hubert-tiny', outDir: custom, seed: 5, config: { conv_dim: [16, 16, 16], conv_kernel: [10, 8, 4], conv_stride: [5, 8, 8] } });
});

afterAll(async () => {
  await engine.dispose();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** The rejection of `promise`, which must be an InputLengthError. */
async function lengthError(promise: Promise<unknown>): Promise<InputLengthError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(InputLengthError);
  return error as InputLengthError;
}

describe('receptiveField', () => {
  it('is the fewest samples that make one frame, for the stock stack and random ones', () => {
    const stockStack = [10, 3, 3, 3, 3, 2, 2].map((kernel, i) => ({ kernel, stride: [5, 2, 2, 2, 2, 2, 2][i] }));
    expect(receptiveField(stockStack)).toBe(400);
    for (let trial = 0; trial < 50; trial++) {
      const layers = Array.from({ length: 1 + (trial % 5) }, (_, i) => ({ kernel: 1 + ((trial * 7 + i * 3) % 9), stride: 1 + ((trial + i) % 4) }));
      const weights = layers.map((l) => ({ weight: { shape: [1, 1, l.kernel], data: new Float32Array(l.kernel) }, stride: l.stride }));
      const min = receptiveField(layers);
      expect(frameCount(min, weights)).toBe(1);
      expect(frameCount(min - 1, weights)).toBe(0);
    }
  });
});

describe('HubertModel input limits', () => {
  it('takes 400 samples (one frame) and refuses 0, 1 and 399 as too short, naming the length and the minimum', async () => {
    const model = await loadHubert(stock, engine);
    expect(model.minSamples).toBe(400);
    expect(model.inputLengthProblem(400)).toBeUndefined();
    expect(typeof (await model.transcribe(new Float32Array(400).fill(0.1)))).toBe('string');
    for (const n of [0, 1, 399]) {
      const error = await lengthError(model.transcribe(new Float32Array(n)));
      expect(error.reason).toBe('too-short');
      expect(error.samples).toBe(n);
      expect(error.message).toContain(`${n} samples`);
      expect(error.message).toContain('at least 400 samples');
    }
    // logits and hiddenStates refuse it the same way (they take input values, not samples).
    expect((await lengthError(model.logits(new Float32Array(1)))).reason).toBe('too-short');
  });

  it('derives the minimum from conv_kernel and conv_stride in config.json', async () => {
    const model = await loadHubert(custom, engine);
    expect(model.minSamples).toBe(165);
    expect(model.frameCount(165)).toBe(1);
    expect((await model.hiddenStates(new Float32Array(165).fill(0.1))).rows).toBe(1);
    expect((await lengthError(model.transcribe(new Float32Array(164)))).message).toContain('at least 165 samples');
  });

  it(`refuses input longer than maxSeconds (default ${DEFAULT_MAX_SECONDS} s) before running anything`, async () => {
    const model = await loadHubert(stock, engine);
    expect(model.maxSamples).toBe(DEFAULT_MAX_SECONDS * 16000);
    expect(model.inputLengthProblem(960000)).toBeUndefined();
    expect(model.inputLengthProblem(960001)?.reason).toBe('too-long');
    // Ten minutes are refused at once, without allocating the forward pass.
    const error = await lengthError(model.transcribe(new Float32Array(600 * 16000)));
    expect(error.reason).toBe('too-long');
    expect(error.message).toMatch(/9600000 samples \(600 s at 16000 Hz\).*960000 samples \(60 s; maxSeconds\)/);

    const short = await loadHubert(stock, engine, { maxSeconds: 0.5 });
    expect(short.maxSamples).toBe(8000);
    expect(typeof (await short.transcribe(new Float32Array(8000).fill(0.1)))).toBe('string');
    expect((await lengthError(short.transcribe(new Float32Array(8001)))).reason).toBe('too-long');
  });

  it('refuses a maxSeconds that is not a positive number with an OptionError naming it', async () => {
    for (const maxSeconds of [0, -1, Number.NaN, Infinity]) {
      await expect(loadHubert(stock, engine, { maxSeconds })).rejects.toThrow(OptionError);
    }
    await expect(loadHubert(stock, engine, { maxSeconds: 0 })).rejects.toThrow(/option maxSeconds: expected a positive number of seconds/);
  });
});
