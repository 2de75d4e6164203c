// Runs benchmarks by name: `node tools/bench/run.mjs kmeans engines` runs tools/bench/kmeans.mjs,
// then tools/bench/engines.mjs; with no names it runs every tools/bench/*.mjs. `npm run bench -- NAME`
// builds first. Arguments from the first one starting with '--' on are passed to every benchmark
// (`npm run bench -- eval --limit 5`). Each benchmark runs in its own node process; the exit code is
// the first failure's.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = path.dirname(fileURLToPath(import.meta.url));
const available = fs
  .readdirSync(dir)
  .filter((f) => f.endsWith('.mjs') && f !== 'run.mjs')
  .map((f) => f.slice(0, -'.mjs'.length))
  .sort();
const args = process.argv.slice(2);
const firstOption = args.findIndex((a) => a.startsWith('--'));
const names = firstOption < 0 ? args : args.slice(0, firstOption);
const options = firstOption < 0 ? [] : args.slice(firstOption);
const unknown = names.filter((n) => !available.includes(n));
if (unknown.length > 0) {
  console.error(`bench: unknown benchmark ${unknown.join(', ')}; available: ${available.join(', ')}`);
  process.exit(2);
}
let exitCode = 0;
for (const name of names.length > 0 ? names : available) {
  console.log(`\n=== bench ${name} ===`);
  const run = spawnSync(process.execPath, [path.join(dir, `${name}.mjs`), ...options], { stdio: 'inherit' });
  if (run.status !== 0 && exitCode === 0) exitCode = run.status ?? 1;
}
process.exit(exitCode);
