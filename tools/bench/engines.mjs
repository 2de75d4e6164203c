// Benchmarks every TensorEngine that loads here: GFLOP/s of a 1024^3 matmul and seconds of one
// `nearest` shaped like a HuBERT-large FFN layer at 50% (N=4096 points, D=2049, K=2048 centroids).
// Prints only; no assertions. Run after building: npm run build && node tools/bench/engines.mjs
import { createRequire } from 'node:module';
import { availableParallelism, cpus } from 'node:os';
import { performance } from 'node:perf_hooks';

const require = createRequire(import.meta.url);
const { Random } = require('../../packages/core/dist/index.js');
const { createOnnxruntimeEngine } = require('../../packages/engine-onnxruntime/dist/index.js');
const { createTfjsEngine } = require('../../packages/engine-tfjs/dist/index.js');

const ENGINES = [
  ['tfjs-node', () => createTfjsEngine({ backend: 'node' })],
  ['onnxruntime', () => createOnnxruntimeEngine()],
  ['tfjs-wasm', () => createTfjsEngine({ backend: 'wasm' })],
];

/** A rows x cols matrix of seeded uniforms in [-1, 1). */
function randomMatrix(random, rows, cols) {
  const data = new Float32Array(rows * cols);
  for (let i = 0; i < data.length; i++) data[i] = 2 * random.next() - 1;
  return { data, rows, cols };
}

/** Median seconds of `runs` timed calls after one untimed warm-up call. */
async function medianSeconds(runs, fn) {
  await fn();
  const times = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await fn();
    times.push((performance.now() - start) / 1000);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

const random = new Random(1);
const n = 1024;
const a = randomMatrix(random, n, n);
const b = randomMatrix(random, n, n);
const x = randomMatrix(random, 4096, 2049);
const c = randomMatrix(random, 2048, 2049);

console.log(`node ${process.version}, ${cpus()[0]?.model ?? 'unknown cpu'}, availableParallelism ${availableParallelism()}`);
console.log('engine       matmul 1024^3 (GFLOP/s)   nearest 4096x2049 vs 2048 (s)');
for (const [name, create] of ENGINES) {
  let engine;
  try {
    engine = await create();
  } catch (error) {
    console.log(`${name.padEnd(12)} skipped: ${error.message}`);
    continue;
  }
  try {
    const matmulSeconds = await medianSeconds(5, () => engine.matmul(a, b));
    const nearestSeconds = await medianSeconds(3, () => engine.nearest(x, c));
    const gflops = (2 * n ** 3) / matmulSeconds / 1e9;
    console.log(`${name.padEnd(12)} ${gflops.toFixed(1).padStart(24)}   ${nearestSeconds.toFixed(3).padStart(29)}`);
  } finally {
    await engine.dispose();
  }
}
console.log(`peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
