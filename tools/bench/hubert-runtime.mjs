#!/usr/bin/env node
// Bench: synthesizes hubert-base (95 M parameters; f16 by default) into a temporary directory, loads
// it with @speechfold/runtime-hubert on onnxruntime and times `logits` on 10 s of noise at 16 kHz.
// Prints JSON: load time, each run's time, frames, and how much of a run the engine's matmuls took
// (the rest is JS: im2col, norms, GELU, softmax, copies). Deletes the directory afterwards.
// Run after `npm run build`: node tools/bench/hubert-runtime.mjs [arch] [seconds] [runs] [threads]
import { createRequire } from 'node:module';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const require = createRequire(import.meta.url);
const { synthesize } = require('../../packages/synth/dist/index.js');
const { createOnnxruntimeEngine } = require('../../packages/engine-onnxruntime/dist/index.js');
const { loadHubert, prepareInput } = require('../../packages/runtime-hubert/dist/index.js');

const arch = process.argv[2] ?? 'hubert-base';
const audioSeconds = Number(process.argv[3] ?? 10);
const runs = Number(process.argv[4] ?? 3);
const threads = Number(process.argv[5] ?? os.availableParallelism());

/** Wraps an engine so matmul calls and their wall time are counted. */
function timed(engine) {
  const stats = { calls: 0, ms: 0 };
  const wrapper = Object.create(engine);
  wrapper.matmul = async (a, b, options) => {
    const t = performance.now();
    try {
      return await engine.matmul(a, b, options);
    } finally {
      stats.calls++;
      stats.ms += performance.now() - t;
    }
  };
  return { engine: wrapper, stats };
}

const parent = await fs.mkdtemp(path.join(os.tmpdir(), 'speechfold-hubert-bench-'));
const base = await createOnnxruntimeEngine({ threads });
try {
  const dir = path.join(parent, 'model');
  await synthesize({ arch, outDir: dir, dtype: 'F16', seed: 0 });
  const { engine, stats } = timed(base);
  let t = performance.now();
  const model = await loadHubert(dir, engine);
  const loadMs = performance.now() - t;

  // Deterministic noise (an LCG), so every run sees the same input.
  const samples = new Float32Array(Math.round(audioSeconds * model.preprocessor.samplingRate));
  let state = 12345;
  for (let i = 0; i < samples.length; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    samples[i] = (state / 2 ** 32 - 0.5) * 0.2;
  }
  const input = prepareInput(samples, model.preprocessor);
  const results = [];
  let frames = 0;
  for (let r = 0; r < runs; r++) {
    stats.calls = 0;
    stats.ms = 0;
    t = performance.now();
    const logits = await model.logits(input);
    const ms = performance.now() - t;
    frames = logits.rows;
    results.push({ seconds: Number((ms / 1000).toFixed(2)), engineMatmulSeconds: Number((stats.ms / 1000).toFixed(2)), engineMatmulCalls: stats.calls });
  }
  console.log(
    JSON.stringify(
      {
        arch,
        dtype: 'F16 (read as fp32)',
        audioSeconds,
        frames,
        loadSeconds: Number((loadMs / 1000).toFixed(2)),
        runs: results,
        threads,
        cpus: os.cpus().length,
        cpu: os.cpus()[0]?.model,
        node: process.version,
        peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
      },
      null,
      2,
    ),
  );
} finally {
  await base.dispose();
  await fs.rm(parent, { recursive: true, force: true });
}
