#!/usr/bin/env node
// Removes a package's build output (dist/ and tsconfig.tsbuildinfo) so the next `tsc -b` rebuilds
// it from its sources: a file whose source was deleted or renamed must not stay in dist and be
// published. Run in a package dir (the packages' `prepack` does, before `tsc -b`), or with --all
// from the repository root (`npm run clean`).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dirs = process.argv.includes('--all')
  ? fs.readdirSync(path.join(root, 'packages')).map((d) => path.join(root, 'packages', d)).filter((d) => fs.existsSync(path.join(d, 'package.json')))
  : [process.cwd()];
for (const dir of dirs) {
  for (const name of ['dist', 'tsconfig.tsbuildinfo']) fs.rmSync(path.join(dir, name), { recursive: true, force: true });
}
