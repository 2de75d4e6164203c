// The HuBERT forward graph (runtime-hubert forward-graph.ts) against the per-op path on real
// utterances: a synthetic hubert-base (`speechfold synth --arch hubert-base --seed 0`), the first N
// utterances of test-data/LibriSpeech/test-clean, both paths on the onnxruntime engine; prints each
// utterance's max |logits difference| and whether the greedy CTC texts are identical, and the time of
// each path (session creation included in the graph's first utterance). Needs a build (npm run build).
// Run: node tools/bench/hubert-graph-parity.mjs [N=4] [threads=2]
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const pkg = (name) => require(path.join(root, 'packages', name, 'dist', 'index.js'));
const { loadHubert, prepareInput } = pkg('runtime-hubert');
const { createOnnxruntimeEngine } = pkg('engine-onnxruntime');
const { decodeAudioFile, loadLibriSpeech } = pkg('audio');

const N = Number(process.argv[2] ?? 4);
const threads = Number(process.argv[3] ?? 2);
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'hubert-graph-parity-'));
const dir = path.join(work, 'hubert-base');
const synth = spawnSync(process.execPath, [path.join(root, 'packages', 'cli', 'bin', 'speechfold.js'), 'synth', '--arch', 'hubert-base', '--out', dir, '--seed', '0'], { encoding: 'utf8' });
if (synth.status !== 0) throw new Error(synth.stderr || synth.stdout);
const engine = await createOnnxruntimeEngine({ threads });
try {
  const perOp = await loadHubert(dir, engine, { forwardGraph: 'off' });
  const graph = await loadHubert(dir, engine);
  if (perOp.usesForwardGraph || !graph.usesForwardGraph) throw new Error('paths not as asked');
  const dataset = await loadLibriSpeech(path.join(root, 'test-data', 'LibriSpeech', 'test-clean'));
  const utterances = [...dataset.utterances].sort((a, b) => (a.id < b.id ? -1 : 1)).slice(0, N);
  let same = 0;
  const time = { perOp: 0, graph: 0 };
  for (const utt of utterances) {
    const audio = await decodeAudioFile(utt.audioPath);
    const input = prepareInput(audio.samples, graph.preprocessor);
    let t = performance.now();
    const a = await perOp.logits(input);
    time.perOp += performance.now() - t;
    t = performance.now();
    const b = await graph.logits(input);
    time.graph += performance.now() - t;
    let diff = 0;
    for (let i = 0; i < a.data.length; i++) diff = Math.max(diff, Math.abs(a.data[i] - b.data[i]));
    const ta = perOp.decode(a);
    const tb = graph.decode(b);
    if (ta === tb) same++;
    console.log(`${utt.id}: ${a.rows} frames, max |logits diff| ${diff.toExponential(2)}, texts ${ta === tb ? 'identical' : `differ:\n  per-op: ${ta}\n  graph:  ${tb}`}`);
  }
  console.log(`identical CTC texts: ${same}/${utterances.length}; logits time per-op ${(time.perOp / 1000).toFixed(2)} s, graph ${(time.graph / 1000).toFixed(2)} s`);
} finally {
  await engine.dispose();
  fs.rmSync(work, { recursive: true, force: true });
}
