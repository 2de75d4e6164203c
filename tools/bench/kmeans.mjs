// Benchmarks speechfold's k-means on two FFN-layer shapes against scikit-learn and FAISS, all on
// the same seeded random-normal float32 data. Prints seconds (seeding, Lloyd and Hartigan refinement
// separately), inertia (float64, recomputed from labels and centroids) and the ratios. No assertions.
// Run after building: npm run build && node tools/bench/kmeans.mjs  (or: npm run bench -- kmeans)
// Env: KMEANS_BENCH_SHAPES=hubert,whisper picks shapes; KMEANS_BENCH_REFERENCE=0 skips Python.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const dist = (pkg, file = 'index.js') => path.join(root, 'packages', pkg, 'dist', file);

const { Random } = require(dist('core'));
// runKMeans is what KMeansClusterer.cluster runs after validating; it can also time its phases.
const { runKMeans } = require(dist('kmeans', 'kmeans.js'));
const { DEFAULT_SETTINGS } = require(dist('kmeans'));

const SHAPES = {
  hubert: { label: 'HuBERT-large FFN at 50%', n: 4096, d: 2049, k: 2048 },
  whisper: { label: 'Whisper-large-v3 FFN at 10%', n: 5120, d: 2561, k: 4608 },
};
const SEED = 0;

/** The TensorEngine loadEngine('auto') picks (onnxruntime directly while engine-auto is not built). */
async function autoEngine() {
  const auto = require(dist('engine-auto'));
  if (typeof auto.loadEngine === 'function') {
    return auto.loadEngine('auto', (event) => console.log(`  ${event.message}`));
  }
  console.log('  engine-auto has no loadEngine yet: using createOnnxruntimeEngine()');
  return require(dist('engine-onnxruntime')).createOnnxruntimeEngine();
}

/** Seconds an async step takes, and its value. */
async function timed(fn) {
  const start = performance.now();
  const value = await fn();
  return { seconds: (performance.now() - start) / 1000, value };
}

/** speechfold k-means, n_init 1, default settings (or others), timed by phase. */
async function runOurs(engine, x, k, settings = DEFAULT_SETTINGS) {
  const phases = { pairwise: 0, seeding: 0, lloyd: 0, hartigan: 0 };
  const { seconds, value } = await timed(() => runKMeans(engine, x, k, SEED, settings, phases));
  return { seconds, phases, inertia: value.inertia, iterations: value.iterations };
}

/** The first Python that imports `module` (Debian's first: ENGINES.md's reference figures), or null. */
function pythonWith(module) {
  for (const python of ['/usr/bin/python3', 'python3']) {
    const probe = spawnSync(python, ['-c', `import ${module}`], { stdio: 'ignore' });
    if (probe.status === 0) return python;
  }
  return null;
}

/** Runs tools/reference/kmeans_bench.py for one library on the data file, or explains why not. */
function runReference(library, module, file, shape) {
  const python = pythonWith(module);
  if (python === null) return { skipped: `no python3 with '${module}'` };
  const script = path.join(root, 'tools', 'reference', 'kmeans_bench.py');
  const args = [script, library, file, String(shape.n), String(shape.d), String(shape.k)];
  // stderr is dropped: FAISS warns that K is large for N, which is the point of these shapes.
  const out = execFileSync(python, args, { encoding: 'utf8', maxBuffer: 1 << 20, stdio: ['ignore', 'pipe', 'ignore'] });
  return JSON.parse(out.trim().split('\n').pop());
}

const fmt = (value, digits = 2) => value.toFixed(digits);

console.log(
  `node ${process.version}, ${cpus()[0]?.model ?? 'unknown cpu'}, availableParallelism ${availableParallelism()}`,
);
const engine = await autoEngine();
console.log(`  engine: ${engine.name}`);
const wanted = (process.env.KMEANS_BENCH_SHAPES ?? 'hubert,whisper').split(',').map((s) => s.trim());
const withReference = process.env.KMEANS_BENCH_REFERENCE !== '0';
const workDir = fs.mkdtempSync(path.join(tmpdir(), 'speechfold-kmeans-bench-'));
try {
  for (const name of wanted) {
    const shape = SHAPES[name];
    if (shape === undefined) throw new Error(`unknown shape '${name}'; choose from ${Object.keys(SHAPES).join(', ')}`);
    console.log(`\n${shape.label}: N=${shape.n} D=${shape.d} K=${shape.k}, random normal, seed ${SEED}`);
    const data = new Random(SEED + 1).fillNormal(new Float32Array(shape.n * shape.d));
    const x = { data, rows: shape.n, cols: shape.d };

    const ours = await runOurs(engine, x, shape.k);
    const p = ours.phases;
    console.log(
      `  speechfold   ${fmt(ours.seconds).padStart(7)} s  inertia ${fmt(ours.inertia, 1)}  (${engine.name}; ` +
        `pairwise distances ${fmt(p.pairwise)} s, greedy k-means++ ${fmt(p.seeding)} s, Lloyd ${fmt(p.lloyd)} s, ` +
        `Hartigan ${fmt(p.hartigan)} s; ${ours.iterations} iterations in all)`,
    );
    // The same run without the Hartigan stage: plain Lloyd, the algorithm scikit-learn runs.
    const plain = await runOurs(engine, x, shape.k, { ...DEFAULT_SETTINGS, hartigan: false });
    console.log(
      `  (Lloyd only) ${fmt(plain.seconds).padStart(7)} s  inertia ${fmt(plain.inertia, 1)}  (hartigan: false; ${
        plain.iterations
      } iterations)`,
    );
    if (!withReference) continue;
    const file = path.join(workDir, `${name}.bin`);
    fs.writeFileSync(file, Buffer.from(data.buffer, data.byteOffset, data.byteLength));
    for (const [library, module] of [
      ['sklearn', 'sklearn'],
      ['faiss', 'faiss'],
    ]) {
      const ref = runReference(library, module, file, shape);
      if (ref.skipped) {
        console.log(`  ${library.padEnd(12)} skipped: ${ref.skipped}`);
        continue;
      }
      console.log(
        `  ${library.padEnd(12)} ${fmt(ref.seconds).padStart(7)} s  inertia ${fmt(ref.inertia, 1)}  ` +
          `(${ref.library}, ${ref.iterations} it)  -> speechfold is ${fmt(ref.seconds / ours.seconds, 1)}x faster, ` +
          `inertia ratio ours/${library} ${fmt(ours.inertia / ref.inertia, 4)}`,
      );
    }
  }
} finally {
  fs.rmSync(workDir, { recursive: true, force: true });
  await engine.dispose();
}
