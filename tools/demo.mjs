#!/usr/bin/env node
// The README's main job on an embedded default: synthesise a Whisper-tiny-shaped checkpoint
// (real HF names and shapes, seeded weights, f16), then compress its FFN layers by 10% with k-means
// folding and, for comparison, with magnitude pruning. Output goes to out/demo/.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { main } = require('../packages/cli/dist/index.js');

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const demo = path.join(root, 'out', 'demo');
fs.rmSync(demo, { recursive: true, force: true });
fs.mkdirSync(demo, { recursive: true });
const model = path.join(demo, 'whisper-tiny');

async function step(title, argv) {
  console.log(`\n$ speechfold ${argv.join(' ')}`);
  const code = await main(argv);
  if (code !== 0) {
    console.error(`demo: step '${title}' failed with exit code ${code}`);
    process.exit(code);
  }
}

await step('synth', ['synth', '--arch', 'whisper-tiny', '--dtype', 'f16', '--seed', '0', '--out', model]);
for (const method of ['fold', 'magnitude']) {
  const out = path.join(demo, `whisper-tiny-${method}-10`);
  const report = path.join(demo, `whisper-tiny-${method}-10.json`);
  await step(method, ['compress', model, '--out', out, '--method', method, '--sparsity', '0.1', '--report', report]);
}
