#!/usr/bin/env node
// Scaffolds packages/<name> with the workspace's conventions: package.json (exports with types,
// files), tsconfig (project references), jest config, README and CHANGELOG.
// Usage: node tools/new-package.mjs <name> "<description>" [dep ...]
import fs from 'node:fs';
import path from 'node:path';

const [name, description, ...deps] = process.argv.slice(2);
if (!name || !description) {
  console.error('usage: node tools/new-package.mjs <name> "<description>" [@speechfold/dep ...]');
  process.exit(2);
}
const dir = path.join('packages', name);
if (fs.existsSync(dir)) {
  console.error(`${dir} already exists`);
  process.exit(2);
}
fs.mkdirSync(path.join(dir, 'src'), { recursive: true });
const dependencies = Object.fromEntries(deps.map((d) => [d, d.startsWith('@speechfold/') ? '0.0.0' : '*']));
const pkg = {
  name: `@speechfold/${name}`,
  version: '0.0.0',
  description,
  license: 'Apache-2.0',
  main: './dist/index.js',
  types: './dist/index.d.ts',
  exports: { '.': { types: './dist/index.d.ts', default: './dist/index.js' } },
  files: ['dist', 'README.md', 'CHANGELOG.md'],
  scripts: { build: 'tsc -b', test: 'jest' },
  dependencies,
};
fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify(pkg, null, 2) + '\n');
const references = deps
  .filter((d) => d.startsWith('@speechfold/'))
  .map((d) => ({ path: `../${d.slice('@speechfold/'.length)}` }));
const tsconfig = {
  extends: '../../tsconfig.base.json',
  compilerOptions: { rootDir: 'src', outDir: 'dist' },
  include: ['src'],
  exclude: ['src/**/*.test.ts'],
  references,
};
fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify(tsconfig, null, 2) + '\n');
fs.writeFileSync(
  path.join(dir, 'jest.config.js'),
  "module.exports = { ...require('../../jest.preset.js'), rootDir: __dirname };\n",
);
fs.writeFileSync(path.join(dir, 'README.md'), `# @speechfold/${name}\n\n${description}\n`);
fs.writeFileSync(path.join(dir, 'CHANGELOG.md'), `# @speechfold/${name}\n`);
fs.writeFileSync(path.join(dir, 'src', 'index.ts'), 'export {};\n');
const build = JSON.parse(fs.readFileSync('tsconfig.build.json', 'utf8'));
build.references.push({ path: dir });
fs.writeFileSync('tsconfig.build.json', JSON.stringify(build, null, 2) + '\n');
console.log(`created ${dir}`);
