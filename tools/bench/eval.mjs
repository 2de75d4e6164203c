// `speechfold eval` against stock transformers / PyTorch (tools/reference/eval_reference.py) on the
// same utterances in the same run (issue 14's target: speechfold / transformers <= 1.0).
//
// Models: (a) whisper-base: the imported real model when its dir exists (--whisper DIR, default
// ../models/whisper-base from the repo root), else a synthetic one (`speechfold synth --arch
// whisper-base`); (b) a synthetic HuBERT-base (`speechfold synth --arch hubert-base`; stock
// HubertForCTC loads it). Utterances: the first N (sorted by id) of test-data/LibriSpeech/test-clean.
// Both sides: CPU, fp32, greedy; Whisper in English, transcribe, no timestamps, at most
// --max-new-tokens new tokens (128). The reference runs with --threads torch threads (2), one
// utterance per generate() call (--reference-batch-size N for N, which on these CPUs is not faster);
// speechfold with its default Whisper batch size (`speechfold eval --batch-size`; --batch-size N here).
//
// Timing: each side is one process (`node packages/cli/bin/speechfold.js eval ...` and `python3
// tools/reference/eval_reference.py ...`), run one after the other, timed from spawn to exit, so the
// model load (and Node's / Python's start-up and imports) is in both wall times. The model's files
// are read once before the first side runs, so both find them in the page cache.
// Synthetic Whisper: random weights make the generation length arbitrary, so end of text is added to
// generation_config.json's suppress_tokens (both sides honour it) and both generate exactly
// --synth-tokens tokens (32) per utterance; the reference's token counts are checked.
//
// Prints per model: wall time of each side, real-time factor (wall / audio seconds), the ratio
// speechfold / transformers, and how many utterances have identical normalised hypotheses (the
// normaliser speechfold eval scores with: whisper-english for Whisper, basic for HuBERT); for
// synthetic models that count is only a parity hint. Without python3, torch, transformers or
// soundfile the reference side is skipped (said so) and speechfold's figures are still printed.
//
// Run: npm run bench -- eval            (25 utterances; run.mjs passes no options, so use env:)
//      SPEECHFOLD_BENCH_LIMIT=5 npm run bench -- eval
//      node tools/bench/eval.mjs --limit 5 [--whisper DIR] [--synth-whisper] [--engine auto]
//           [--threads 2] [--max-new-tokens 128] [--synth-tokens 32] [--python python3] [--only whisper|hubert]
//           [--batch-size N] [--reference-batch-size 1]
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const CLI = path.join(root, 'packages', 'cli', 'bin', 'speechfold.js');
const REFERENCE = path.join(root, 'tools', 'reference', 'eval_reference.py');
const { normalizeText } = require(path.join(root, 'packages', 'metrics', 'dist', 'index.js'));

function option(name, fallback) {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 && at + 1 < process.argv.length ? process.argv[at + 1] : fallback;
}
const flag = (name) => process.argv.includes(`--${name}`);
function positive(name, value) {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) {
    console.error(`bench eval: --${name} expects a positive integer, got '${value}'`);
    process.exit(2);
  }
  return n;
}

const LIMIT = positive('limit', option('limit', process.env.SPEECHFOLD_BENCH_LIMIT ?? '25'));
const THREADS = positive('threads', option('threads', '2'));
const MAX_NEW_TOKENS = positive('max-new-tokens', option('max-new-tokens', '128'));
const SYNTH_TOKENS = positive('synth-tokens', option('synth-tokens', '32'));
const ENGINE = option('engine', 'auto');
const PYTHON = option('python', 'python3');
const ONLY = option('only', undefined);
const BATCH = option('batch-size', undefined) === undefined ? undefined : positive('batch-size', option('batch-size'));
const REFERENCE_BATCH = positive('reference-batch-size', option('reference-batch-size', '1'));
const DATA = path.resolve(option('data', path.join(root, 'test-data', 'LibriSpeech', 'test-clean')));
const WHISPER_DIR = path.resolve(option('whisper', path.join(root, '..', 'models', 'whisper-base')));
const REAL_WHISPER = !flag('synth-whisper') && fs.existsSync(path.join(WHISPER_DIR, 'config.json'));

/** Runs a command to its end; its wall seconds, exit status and output. */
function timed(command, args, env = {}) {
  const start = performance.now();
  const run = spawnSync(command, args, { cwd: root, encoding: 'utf8', maxBuffer: 1 << 28, env: { ...process.env, ...env } });
  return { seconds: (performance.now() - start) / 1000, status: run.status, error: run.error, stdout: run.stdout ?? '', stderr: run.stderr ?? '' };
}

function tail(text, lines = 15) {
  return text.trim().split('\n').slice(-lines).join('\n');
}

/** Why the reference side cannot run, or undefined when it can. */
function referenceProblem() {
  const probe = timed(PYTHON, ['-c', 'import torch, transformers, soundfile']);
  if (probe.error) return `${PYTHON} not found (${probe.error.code ?? probe.error.message})`;
  if (probe.status !== 0) return `${PYTHON} lacks torch, transformers or soundfile (${tail(probe.stderr, 1)})`;
  return undefined;
}

/** Reads the model's files once so that neither side pays the first cold read. */
function warmPageCache(dir) {
  const buffer = Buffer.alloc(1 << 24);
  for (const name of fs.readdirSync(dir)) {
    const file = path.join(dir, name);
    if (!fs.statSync(file).isFile()) continue;
    const fd = fs.openSync(file, 'r');
    try {
      while (fs.readSync(fd, buffer, 0, buffer.length, null) > 0);
    } finally {
      fs.closeSync(fd);
    }
  }
}

function synth(arch, dir) {
  const run = timed(process.execPath, [CLI, 'synth', '--arch', arch, '--out', dir, '--seed', '0']);
  if (run.status !== 0) throw new Error(`speechfold synth --arch ${arch} failed:\n${tail(run.stderr || run.stdout)}`);
}

/** Adds end of text to suppress_tokens: both sides then generate exactly max_new_tokens tokens. */
function forceLength(dir) {
  const file = path.join(dir, 'generation_config.json');
  const config = JSON.parse(fs.readFileSync(file, 'utf8'));
  const eos = [config.eos_token_id].flat();
  config.suppress_tokens = [...new Set([...(config.suppress_tokens ?? []), ...eos])];
  fs.writeFileSync(file, JSON.stringify(config, null, 2) + '\n');
}

function speechfoldSide(modelDir, kind, json, maxNewTokens) {
  const args = [CLI, 'eval', modelDir, '--data', DATA, '--limit', String(LIMIT), '--engine', ENGINE, '--json', json, '--quiet'];
  if (kind === 'whisper') args.push('--max-new-tokens', String(maxNewTokens));
  if (kind === 'whisper' && BATCH !== undefined) args.push('--batch-size', String(BATCH));
  const run = timed(process.execPath, args);
  if (run.status !== 0) throw new Error(`speechfold eval failed (exit ${run.status}):\n${tail(run.stderr || run.stdout)}`);
  return { wall: run.seconds, report: JSON.parse(fs.readFileSync(json, 'utf8')) };
}

function referenceSide(modelDir, kind, maxNewTokens) {
  const args = [REFERENCE, kind, modelDir, '--data', DATA, '--limit', String(LIMIT), '--threads', String(THREADS)];
  if (kind === 'whisper') args.push('--max-new-tokens', String(maxNewTokens), '--batch-size', String(REFERENCE_BATCH));
  const run = timed(PYTHON, args, { HF_HUB_OFFLINE: '1', TRANSFORMERS_VERBOSITY: 'error', TOKENIZERS_PARALLELISM: 'false' });
  if (run.status !== 0) throw new Error(`eval_reference.py failed (exit ${run.status}):\n${tail(run.stderr || run.stdout)}`);
  const line = run.stdout.trim().split('\n').pop();
  return { wall: run.seconds, result: JSON.parse(line) };
}

const fmt = (s) => `${s.toFixed(1)} s`;
const rows = [];
const notes = [];

async function benchModel({ label, dir, kind, real, maxNewTokens, reference }) {
  warmPageCache(dir);
  const sf = speechfoldSide(dir, kind, path.join(work, `${kind}-eval.json`), maxNewTokens);
  const audio = sf.report.audioSeconds;
  const n = sf.report.utterances.length;
  const row = { label, n, audio, sfWall: sf.wall, sfRtf: sf.wall / audio, engine: sf.report.engine };
  const detail = [`speechfold: ${sf.report.seconds.toFixed(1)} s in evaluation (after load), engine ${sf.report.engine}`];
  if (sf.report.skipped.length > 0) detail.push(`speechfold skipped ${sf.report.skipped.length} utterance(s)`);
  if (reference === undefined) {
    const ref = referenceSide(dir, kind, maxNewTokens);
    const r = ref.result;
    row.refWall = ref.wall;
    row.refRtf = ref.wall / audio;
    row.ratio = sf.wall / ref.wall;
    detail.push(
      `transformers ${r.transformers}, torch ${r.torch}, ${r.threads} threads: imports ${r.import_seconds.toFixed(1)} s, ` +
        `load ${r.load_seconds.toFixed(1)} s, transcription ${r.transcribe_seconds.toFixed(1)} s`,
    );
    const style = kind === 'whisper' ? 'whisper-english' : 'basic';
    const refById = new Map(r.utterances.map((u) => [u.id, u]));
    const sfIds = sf.report.utterances.map((u) => u.id);
    const sameIds = sfIds.length === r.utterances.length && sfIds.every((id) => refById.has(id));
    if (!sameIds) detail.push(`warning: the two sides transcribed different utterances (${sfIds.length} vs ${r.utterances.length})`);
    const agree = sf.report.utterances.filter((u) => refById.has(u.id) && normalizeText(refById.get(u.id).hyp, { style }) === u.hyp).length;
    row.agree = `${agree}/${n}${real ? '' : ' (random weights)'}`;
    if (kind === 'whisper' && !real) {
      const counts = [...new Set(r.utterances.map((u) => u.tokens))];
      detail.push(`transformers generated ${counts.join(', ')} token(s) per utterance (forced: ${maxNewTokens})`);
    }
    for (const u of sf.report.utterances) {
      const other = refById.get(u.id);
      if (real && other && normalizeText(other.hyp, { style }) !== u.hyp) {
        detail.push(`differs ${u.id}:\n    speechfold:   ${u.hyp}\n    transformers: ${normalizeText(other.hyp, { style })}`);
      }
    }
  }
  rows.push(row);
  notes.push(`${label}: ${detail.join('; ')}`);
}

const work = fs.mkdtempSync(path.join(tmpdir(), 'speechfold-eval-bench-'));
let exitCode = 0;
try {
  const [l1, l5] = loadavg();
  console.log(
    `node ${process.version}, ${cpus()[0]?.model ?? 'unknown cpu'}, availableParallelism ${availableParallelism()}, ` +
      `load average ${l1.toFixed(1)} / ${l5.toFixed(1)} (1 / 5 min)`,
  );
  console.log(
    `data: ${path.relative(root, DATA) || DATA}, first ${LIMIT} utterances; speechfold --engine ${ENGINE}, Whisper batch size ${BATCH ?? 'default'}; ` +
      `reference: ${THREADS} torch threads, fp32, Whisper batch size ${REFERENCE_BATCH}`,
  );
  const reference = referenceProblem();
  if (reference !== undefined) console.log(`reference side skipped: ${reference}; speechfold's figures only`);

  const models = [];
  if (ONLY === undefined || ONLY === 'whisper') {
    if (REAL_WHISPER) {
      models.push({ label: `whisper-base (real, ${path.relative(root, WHISPER_DIR)})`, dir: WHISPER_DIR, kind: 'whisper', real: true, maxNewTokens: MAX_NEW_TOKENS });
    } else {
      const dir = path.join(work, 'whisper-base');
      synth('whisper-base', dir);
      forceLength(dir);
      models.push({ label: `whisper-base (synth, ${SYNTH_TOKENS} forced tokens)`, dir, kind: 'whisper', real: false, maxNewTokens: SYNTH_TOKENS });
    }
  }
  if (ONLY === undefined || ONLY === 'hubert') {
    const dir = path.join(work, 'hubert-base');
    synth('hubert-base', dir);
    models.push({ label: 'hubert-base CTC (synth)', dir, kind: 'hubert', real: false });
  }
  for (const m of models) {
    try {
      await benchModel({ ...m, reference });
    } catch (error) {
      console.error(`${m.label}: ${error.message}`);
      exitCode = 1;
    }
  }

  console.log('');
  console.log('| model | utterances | audio | speechfold wall | RTF | transformers wall | RTF | speechfold / transformers | identical hypotheses |');
  console.log('|---|---|---|---|---|---|---|---|---|');
  for (const r of rows) {
    const ref = r.refWall === undefined ? ['skipped', '-', '-', '-'] : [fmt(r.refWall), r.refRtf.toFixed(3), `${r.ratio.toFixed(2)}x`, r.agree];
    console.log(`| ${r.label} | ${r.n} | ${fmt(r.audio)} | ${fmt(r.sfWall)} | ${r.sfRtf.toFixed(3)} | ${ref.join(' | ')} |`);
  }
  console.log('');
  for (const n of notes) console.log(n);
  console.log('target (issue 14): speechfold / transformers <= 1.0x for each model');
} finally {
  fs.rmSync(work, { recursive: true, force: true });
}
process.exit(exitCode);
