#!/usr/bin/env node
// Scaffolds packages/<name> with the workspace's conventions: package.json (exports with types,
// files, publish metadata, a prepack build, tsyringe and reflect-metadata as peers), tsconfig
// (project references), jest config, README, CHANGELOG and LICENSE.
// Usage: node tools/new-package.mjs <name> "<description>" [dep ...]
import fs from 'node:fs';
import path from 'node:path';

const [name, description, ...deps] = process.argv.slice(2);
if (!name || !description) {
  console.error('usage: node tools/new-package.mjs <name> "<description>" [@speechfold/dep | name@^x.y.z ...]');
  process.exit(2);
}
const dir = path.join('packages', name);
if (fs.existsSync(dir)) {
  console.error(`${dir} already exists`);
  process.exit(2);
}
fs.mkdirSync(path.join(dir, 'src'), { recursive: true });
const REPO = 'https://github.com/speechfold/speechfold';
// Ranges, not pins: ^ of the workspace version for speechfold packages; third-party ones are
// written as given (`name@^x.y.z`) or left at '*' to be fixed by hand.
const dependencies = Object.fromEntries(
  deps.map((d) => {
    if (d.startsWith('@speechfold/')) return [d, '^0.0.0'];
    const at = d.lastIndexOf('@');
    return at > 0 ? [d.slice(0, at), d.slice(at + 1)] : [d, '*'];
  }),
);
const pkg = {
  name: `@speechfold/${name}`,
  version: '0.0.0',
  description,
  keywords: ['speechfold', 'speech-recognition', 'model-compression'],
  license: 'Apache-2.0',
  repository: { type: 'git', url: `git+${REPO}.git`, directory: `packages/${name}` },
  homepage: `${REPO}/tree/main/packages/${name}#readme`,
  bugs: { url: `${REPO}/issues` },
  engines: { node: '>=20.19' },
  main: './dist/index.js',
  types: './dist/index.d.ts',
  exports: { '.': { types: './dist/index.d.ts', default: './dist/index.js' } },
  files: ['dist', '!dist/**/*.test-helper.*', 'src', '!src/**/*.test.ts', '!src/**/*.test-d.ts', '!src/**/*.test-helper.ts', 'README.md', 'CHANGELOG.md', 'LICENSE'],
  publishConfig: { access: 'public' },
  scripts: { build: 'tsc -b', prepack: 'node ../../tools/clean-dist.mjs && tsc -b', test: 'jest' },
  dependencies,
  // Every package loads @speechfold/core, which imports both: one copy, the app's (tsyringe needs that).
  peerDependencies: { 'reflect-metadata': '^0.1.13 || ^0.2.0', tsyringe: '^4.8.0' },
};
fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify(pkg, null, 2) + '\n');
const references = deps
  .filter((d) => d.startsWith('@speechfold/'))
  .map((d) => ({ path: `../${d.slice('@speechfold/'.length)}` }));
const tsconfig = {
  extends: '../../tsconfig.base.json',
  compilerOptions: { rootDir: 'src', outDir: 'dist' },
  include: ['src'],
  exclude: ['src/**/*.test.ts', 'src/**/*.test-helper.ts'],
  references,
};
fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify(tsconfig, null, 2) + '\n');
fs.writeFileSync(
  path.join(dir, 'jest.config.js'),
  "module.exports = { ...require('../../jest.preset.js'), rootDir: __dirname };\n",
);
fs.writeFileSync(
  path.join(dir, 'README.md'),
  `# @speechfold/${name}\n\n${description}\n\n## Install\n\n\`\`\`sh\nnpm install @speechfold/${name}\n\`\`\`\n\n` +
    `Node 20.19 or newer. \`tsyringe\` (^4.8) and \`reflect-metadata\` are peer dependencies. Part of [speechfold](${REPO}).\n\n` +
    `## Example\n\n\`\`\`js\n// A complete program (\`npm run pack-check\` runs it against the packed package).\nimport * as pkg from '@speechfold/${name}';\n\nconsole.log(Object.keys(pkg));\n\`\`\`\n\n## License\n\nApache-2.0\n`,
);
fs.writeFileSync(path.join(dir, 'CHANGELOG.md'), `# @speechfold/${name}\n`);
fs.copyFileSync('LICENSE', path.join(dir, 'LICENSE'));
fs.writeFileSync(path.join(dir, 'src', 'index.ts'), 'export {};\n');
const build = JSON.parse(fs.readFileSync('tsconfig.build.json', 'utf8'));
build.references.push({ path: dir });
fs.writeFileSync('tsconfig.build.json', JSON.stringify(build, null, 2) + '\n');
console.log(`created ${dir}`);
