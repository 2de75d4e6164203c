#!/usr/bin/env node
// Bench: synthesizes whisper-large-v3 (1.54 B parameters) into a temporary directory, prints the
// wall time, parameter count, bytes written and peak RSS, then deletes the directory. Peak RSS
// shows that synth streams tensors (one at a time) rather than holding the model in fp32.
// Run after `npm run build`: node tools/bench/synth-large.mjs [F16|BF16|F32] [arch]
import { createRequire } from 'node:module';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const require = createRequire(import.meta.url);
const { synthesize } = require('../../packages/synth/dist/index.js');

const dtype = process.argv[2] ?? 'F16';
const arch = process.argv[3] ?? 'whisper-large-v3';
const parent = await fs.mkdtemp(path.join(os.tmpdir(), 'speechfold-synth-bench-'));
try {
  const started = process.hrtime.bigint();
  const result = await synthesize({ arch, outDir: path.join(parent, 'model'), dtype, seed: 0 });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const peakRss = process.resourceUsage().maxRSS * 1024; // maxRSS is in KiB
  console.log(
    JSON.stringify(
      {
        arch,
        dtype,
        seconds: Number(seconds.toFixed(1)),
        parameters: result.parameters,
        bytes: result.bytes,
        files: result.files,
        peakRssMiB: Math.round(peakRss / 2 ** 20),
        fp32ModelMiB: Math.round((result.parameters * 4) / 2 ** 20),
        cpus: os.cpus().length,
        node: process.version,
      },
      null,
      2
    )
  );
} finally {
  await fs.rm(parent, { recursive: true, force: true });
}
