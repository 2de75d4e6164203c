// Times @speechfold/runtime-whisper on a synthetic whisper-base (f16 weights, seed 0): loading, the
// encoder on 30 s of features (80 x 3000), and greedy decoding of 30 tokens; then what 75 utterances
// would take. Random weights make the tokens meaningless; only the time is of interest.
// Prints only; no assertions. Run after building: npm run build && node tools/bench/whisper-runtime.mjs
// Options: --engine auto|onnxruntime|tfjs|wasm (default auto), --runs N (default 3), --tokens N (default 30).
import { createRequire } from 'node:module';
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';

const require = createRequire(import.meta.url);
const { synthesize } = require('../../packages/synth/dist/index.js');
const { loadEngine } = require('../../packages/engine-auto/dist/index.js');
const { loadWhisper, encode, greedyDecode, createKvCache } = require('../../packages/runtime-whisper/dist/index.js');

function option(name, fallback) {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 && at + 1 < process.argv.length ? process.argv[at + 1] : fallback;
}

const ENGINE = option('engine', 'auto');
const RUNS = Number(option('runs', '3'));
const TOKENS = Number(option('tokens', '30'));
const UTTERANCES = 75;

/** Seeded log-mel-like features in [-1, 1): xorshift32, as the runtime's parity tests use. */
function features(seed, bins, frames) {
  const data = new Float32Array(bins * frames);
  let x = seed >>> 0;
  for (let i = 0; i < data.length; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    data[i] = ((x >>> 8) - 2 ** 23) / 2 ** 23;
  }
  return { data, rows: bins, cols: frames };
}

async function seconds(fn) {
  const start = performance.now();
  const result = await fn();
  return [(performance.now() - start) / 1000, result];
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

const dir = await mkdtemp(path.join(tmpdir(), 'speechfold-whisper-bench-'));
try {
  console.log(`node ${process.version}, ${cpus()[0]?.model ?? 'unknown cpu'}, availableParallelism ${availableParallelism()}`);
  const [synthSeconds] = await seconds(() => synthesize({ arch: 'whisper-base', outDir: path.join(dir, 'base'), dtype: 'F16', seed: 0 }));
  const engine = await loadEngine(ENGINE);
  const [loadSeconds, model] = await seconds(() => loadWhisper(path.join(dir, 'base'), engine));
  console.log(`whisper-base f16 synthesised in ${synthSeconds.toFixed(1)} s, loaded in ${loadSeconds.toFixed(1)} s; engine ${engine.name}`);

  const input = features(1, model.config.num_mel_bins, 2 * model.config.max_source_positions);
  const [warmEncode, encoderOutput] = await seconds(() => encode(model, input));
  const encodeTimes = [];
  for (let i = 0; i < RUNS; i++) encodeTimes.push((await seconds(() => encode(model, input)))[0]);
  const [crossSeconds] = await seconds(() => createKvCache(model, encoderOutput));

  await greedyDecode(model, encoderOutput, { maxNewTokens: 4 }); // warm-up
  const decodeTimes = [];
  const stepTimes = [];
  let result;
  for (let i = 0; i < RUNS; i++) {
    let last = performance.now();
    const steps = [];
    const [s, r] = await seconds(() =>
      greedyDecode(model, encoderOutput, {
        maxNewTokens: TOKENS,
        onLogits: () => {
          const now = performance.now();
          steps.push(now - last);
          last = now;
        },
      }),
    );
    decodeTimes.push(s);
    // Step 0 is the prompt (with the cross K/V set-up before it); the others are one token each.
    stepTimes.push(median(steps.slice(1)));
    result = r;
  }
  const encodeSeconds = median(encodeTimes);
  const decodeSeconds = median(decodeTimes);
  const tokenMs = median(stepTimes);
  console.log(`encoder, 80 x 3000 features -> 1500 x 512: ${encodeSeconds.toFixed(2)} s (median of ${RUNS}; first call ${warmEncode.toFixed(2)} s)`);
  console.log(`cross-attention K/V for 6 layers: ${(crossSeconds * 1000).toFixed(0)} ms`);
  console.log(`greedy decode, ${result.tokens.length} tokens (${result.stopReason}): ${decodeSeconds.toFixed(2)} s, ${tokenMs.toFixed(1)} ms per token after the prompt`);
  const perUtterance = encodeSeconds + decodeSeconds;
  console.log(`${UTTERANCES} utterances (encoder + ${TOKENS} tokens each): ~${((UTTERANCES * perUtterance) / 60).toFixed(1)} min`);
  await engine.dispose();
} finally {
  await rm(dir, { recursive: true, force: true });
}
