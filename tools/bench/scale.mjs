// Scale benchmark (issue 7): synthesise f16 checkpoints shaped like HuBERT-large and
// Whisper-large-v3, time `speechfold compress` on them (FFN groups, uniform policy; HuBERT at 50%,
// Whisper at 10%; fold (the default), k-means and magnitude), and print wall time, time per group, peak RSS and the
// engine. Beside it, scikit-learn and FAISS k-means on two groups of the same checkpoint with the
// same K, extrapolated to the whole model (the k-means clusterer; fold, the default method, is timed whole). Prints figures only; no assertions.
// Run: npm run bench -- scale   (checkpoints are cached in .bench/scale/; delete it to re-synthesise)
// Env: SCALE_BENCH_MODELS=hubert,whisper  SCALE_BENCH_METHODS=fold,kmeans,magnitude  SCALE_BENCH_REFERENCE=0
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism, cpus } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const dist = (pkg, file = 'index.js') => path.join(root, 'packages', pkg, 'dist', file);
const cli = path.join(root, 'packages', 'cli', 'bin', 'speechfold.js');
const work = path.join(root, '.bench', 'scale');

// Wall-time targets: issue 14 (HuBERT-large 50% in 30 s, Whisper-large-v3 10% in 3 min).
const MODELS = {
  hubert: { arch: 'hubert-large', sparsity: 0.5, targetSeconds: 30 },
  whisper: { arch: 'whisper-large-v3', sparsity: 0.1, targetSeconds: 180 },
};

const fmt = (x, digits = 1) => (typeof x === 'number' ? x.toFixed(digits) : String(x));
const gb = (bytes) => `${(bytes / 2 ** 30).toFixed(2)} GiB`;

/** Runs a command under /usr/bin/time, returning wall seconds and peak RSS (bytes). */
function timedRun(args) {
  const start = performance.now();
  const run = spawnSync('/usr/bin/time', ['-f', 'maxrss_kb=%M', process.execPath, ...args], { encoding: 'utf8' });
  const seconds = (performance.now() - start) / 1000;
  if (run.status !== 0) throw new Error(`failed: ${args.join(' ')}\n${run.stderr}`);
  const rss = Number(/maxrss_kb=(\d+)/.exec(run.stderr)?.[1] ?? NaN) * 1024;
  return { seconds, rss };
}

/** Synthesises the checkpoint once (cached), returning its dir and size. */
function checkpoint(arch) {
  const dir = path.join(work, arch);
  if (!fs.existsSync(path.join(dir, 'model.safetensors')) && !fs.existsSync(path.join(dir, 'model.safetensors.index.json'))) {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(work, { recursive: true });
    const { seconds, rss } = timedRun([cli, 'synth', '--arch', arch, '--dtype', 'f16', '--seed', '0', '--out', dir]);
    console.log(`  synth ${arch} f16: ${fmt(seconds)} s, peak RSS ${gb(rss)}`);
  }
  const bytes = fs.readdirSync(dir).reduce((sum, f) => sum + fs.statSync(path.join(dir, f)).size, 0);
  return { dir, bytes };
}

/** The first python that imports `module`, or null. */
function pythonWith(module) {
  for (const python of ['/usr/bin/python3', 'python3']) {
    if (spawnSync(python, ['-c', `import ${module}`], { stdio: 'ignore' }).status === 0) return python;
  }
  return null;
}

/** Features of two FFN groups (first and last) of a checkpoint, through the real adapter and fold code. */
async function twoGroups(dir) {
  const { openCheckpoint } = require(dist('safetensors'));
  const { defaultAdapters } = require(dist('presets'));
  const { unitFeatures } = require(dist('fold'));
  const config = JSON.parse(fs.readFileSync(path.join(dir, 'config.json'), 'utf8'));
  const source = await openCheckpoint(dir);
  const model = { config, tensors: source.list() };
  const adapter = defaultAdapters().find((a) => a.matches(config));
  const groups = adapter.groups(model, ['ffn']);
  const picked = [groups[0], groups[groups.length - 1]];
  const out = [];
  for (const group of picked) {
    const tensors = new Map();
    for (const s of [...group.producers, ...group.consumers]) {
      if (!tensors.has(s.tensor)) tensors.set(s.tensor, { shape: source.info(s.tensor).shape, data: await source.readFloat32(s.tensor) });
    }
    out.push({ group, features: unitFeatures(group, tensors) });
  }
  await source.close();
  return { groups: groups.length, picked: out };
}

/** scikit-learn or FAISS on one feature matrix (tools/reference/kmeans_bench.py). */
function reference(library, module, features, k) {
  const python = pythonWith(module);
  if (python === null) return { skipped: `no python3 with '${module}'` };
  const file = path.join(work, `features-${features.rows}x${features.cols}.bin`);
  fs.writeFileSync(file, Buffer.from(features.data.buffer, features.data.byteOffset, features.data.byteLength));
  const script = path.join(root, 'tools', 'reference', 'kmeans_bench.py');
  const out = execFileSync(python, [script, library, file, String(features.rows), String(features.cols), String(k)], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  fs.rmSync(file);
  return JSON.parse(out.trim().split('\n').pop());
}

console.log(`node ${process.version}, ${cpus()[0]?.model ?? 'unknown cpu'}, availableParallelism ${availableParallelism()}`);
const models = (process.env.SCALE_BENCH_MODELS ?? 'hubert,whisper').split(',').map((s) => s.trim());
const methods = (process.env.SCALE_BENCH_METHODS ?? 'fold,kmeans,magnitude').split(',').map((s) => s.trim());
const withReference = process.env.SCALE_BENCH_REFERENCE !== '0';

for (const name of models) {
  const spec = MODELS[name];
  if (!spec) throw new Error(`unknown model '${name}'; choose from ${Object.keys(MODELS).join(', ')}`);
  console.log(`\n=== ${spec.arch}, FFN groups, uniform ${spec.sparsity * 100}% ===`);
  const { dir, bytes } = checkpoint(spec.arch);
  const rssTarget = 1.5 * bytes + 2 * 2 ** 30;
  console.log(`  checkpoint ${gb(bytes)} (f16); RSS target 1.5 x size + 2 GiB = ${gb(rssTarget)}`);
  const ours = {};
  for (const method of methods) {
    const out = path.join(work, `${spec.arch}-${method}`);
    const report = path.join(work, `${spec.arch}-${method}.json`);
    const args = [cli, 'compress', dir, '--out', out, '--method', method, '--sparsity', String(spec.sparsity)];
    const { seconds, rss } = timedRun([...args, '--groups', 'ffn', '--policy', 'uniform', '--report', report, '--force', '--quiet']);
    const r = JSON.parse(fs.readFileSync(report, 'utf8'));
    const perGroup = r.groups.map((g) => g.seconds);
    const mean = perGroup.reduce((a, b) => a + b, 0) / perGroup.length;
    ours[method] = { seconds, groups: r.groups };
    console.log(
      `  ${method.padEnd(9)} wall ${fmt(seconds)} s (target ${spec.targetSeconds} s: ${seconds <= spec.targetSeconds ? 'met' : 'MISSED'}), ` +
        `${r.groups.length} groups, per group mean ${fmt(mean, 2)} s / max ${fmt(Math.max(...perGroup), 2)} s, ` +
        `peak RSS ${gb(rss)} (${rss <= rssTarget ? 'within' : 'OVER'} target), engine ${r.engine}, ` +
        `params ${r.parameters.before.toLocaleString('en-US')} -> ${r.parameters.after.toLocaleString('en-US')}`,
    );
    fs.rmSync(out, { recursive: true, force: true });
  }
  if (!withReference) continue;

  // Anchors on two groups of the same checkpoint, same K, extrapolated to every group.
  const { groups, picked } = await twoGroups(dir);
  const engine = await require(dist('engine-auto')).loadEngine('auto');
  const { createKMeans } = require(dist('kmeans'));
  const kmeans = createKMeans(engine);
  const rows = [];
  for (const { group, features } of picked) {
    const k = Math.round((1 - spec.sparsity) * group.units);
    const start = performance.now();
    const mine = await kmeans.cluster(features, k, { seed: 0, group: group.name });
    const mineSeconds = (performance.now() - start) / 1000;
    const sk = reference('sklearn', 'sklearn', features, k);
    const fa = reference('faiss', 'faiss', features, k);
    rows.push({ group: group.name, n: features.rows, d: features.cols, k, mine: { seconds: mineSeconds, inertia: mine.inertia }, sk, fa });
  }
  await engine.dispose();
  for (const row of rows) {
    const line = [`  ${row.group} (N=${row.n}, D=${row.d}, K=${row.k}): speechfold ${fmt(row.mine.seconds, 2)} s, inertia ${fmt(row.mine.inertia, 1)}`];
    for (const [label, ref] of [['scikit-learn', row.sk], ['FAISS', row.fa]]) {
      if (ref.skipped) line.push(`${label} skipped (${ref.skipped})`);
      else
        line.push(
          `${label} ${fmt(ref.seconds, 2)} s, inertia ${fmt(ref.inertia, 1)} ` +
            `(time ratio ${fmt(ref.seconds / row.mine.seconds, 1)}x, inertia ratio ours/theirs ${fmt(row.mine.inertia / ref.inertia, 4)})`,
        );
    }
    console.log(line.join(' | '));
  }
  const mean = (pick) => rows.reduce((s, r) => s + pick(r), 0) / rows.length;
  const extrapolate = (pick) => fmt(mean(pick) * groups, 0);
  const parts = [`  extrapolated to ${groups} groups (k-means only): speechfold ${extrapolate((r) => r.mine.seconds)} s`];
  if (!rows[0].sk.skipped) parts.push(`scikit-learn ${extrapolate((r) => r.sk.seconds)} s`);
  if (!rows[0].fa.skipped) parts.push(`FAISS ${extrapolate((r) => r.fa.seconds)} s`);
  console.log(parts.join(', '));
}
