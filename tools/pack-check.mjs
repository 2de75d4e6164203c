#!/usr/bin/env node
// `npm run pack-check`: proves the packages work the way a user gets them from npm.
//
//  1. builds the workspace (`npm run build`);
//  2. `npm pack`s every package into a temp dir; each `prepack` removes the package's dist and
//     rebuilds it, so no output of a deleted source is shipped;
//  3. `npm publish --dry-run` of every package: the file list must hold package.json, README.md,
//     LICENSE (identical to the repository's), dist/index.js, dist/index.d.ts, every file that
//     main/types/exports/bin name, the sources the source maps point to, and no test file; the
//     package.json has repository, engines, publishConfig, files, a prepack build and no exact pins;
//  4. creates a fresh project outside the repository and installs the tarballs there from the
//     registry, as a user would (install scripts on, ONNXRUNTIME_NODE_INSTALL=skip, the app's own
//     tsyringe 4.8.0), and checks that one tsyringe and one reflect-metadata are installed and
//     `npm ls` finds no missing or invalid dependency;
//  5. compiles the README's "Using it from code" example as CommonJS (.cts -> .cjs) and as ESM
//     (.mts -> .mjs) against the installed type declarations, and runs both on a synthetic
//     checkpoint made with @speechfold/synth in that project;
//  6. imports every package (and ./testing subpath) from ESM and checks each named export of the
//     CommonJS build is there;
//  7. runs the "Example" block of every package README (js as an ES module, the CLI's sh in bash;
//     the engine test kit's jest test file is syntax-checked only);
//  8. runs the installed `speechfold` binary: synth, then compress.
//
// Prints a summary; exits 1 if anything failed. It installs from the npm registry (it uses the npm
// cache first) and takes a few minutes, so it is not part of `npm test`.
// Options: --keep (leave the temp dirs and print where), --skip-build.
import { spawnSync } from 'node:child_process';
import { builtinModules } from 'node:module';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = new Set(process.argv.slice(2));
const KEEP = args.has('--keep');
const SKIP_BUILD = args.has('--skip-build');

/** The tsyringe an app of its own might pin: the version of the issue's report, the bottom of the peer range. */
const APP_TSYRINGE = '4.8.0';
/** Package examples that are jest test files: syntax-checked only (a fresh project has no jest). */
const EXAMPLE_SYNTAX_ONLY = {
  '@speechfold/engine-testkit': 'a jest test file',
  '@speechfold/queue': 'needs a Redis server',
};
/** Command-line arguments of examples that are programs taking inputs (`scratch`: their working dir). */
const CT2_FIXTURE = path.join(ROOT, 'tools', 'reference', 'fixtures', 'ct2-tiny-whisper');
const EXAMPLE_ARGS = {
  '@speechfold/import-ctranslate2': (scratch) => [CT2_FIXTURE, path.join(scratch, 'whisper-hf'), path.join(CT2_FIXTURE, 'float16.bin')],
};
const STEP_TIMEOUT_MS = 15 * 60 * 1000;

const results = [];
function record(name, ok, detail = '') {
  results.push({ name, ok, detail });
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}${detail ? `: ${detail}` : ''}`);
}

/** The environment of a user's shell: no npm_* variables inherited from `npm run` (this repo's
 * `ignore-scripts=true` would otherwise reach the child npm), plus the onnxruntime install skip. */
function userEnv() {
  const env = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^npm_/i.test(key)) env[key] = value;
  }
  env.ONNXRUNTIME_NODE_INSTALL = 'skip';
  return env;
}

function run(command, commandArgs, options = {}) {
  const started = Date.now();
  const result = spawnSync(command, commandArgs, {
    cwd: options.cwd ?? ROOT,
    env: options.env ?? userEnv(),
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    timeout: options.timeout ?? STEP_TIMEOUT_MS,
  });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}`;
  const ok = result.status === 0;
  if (!ok && !options.quiet) {
    console.log(`$ ${command} ${commandArgs.join(' ')}  (in ${options.cwd ?? ROOT}, exit ${result.status ?? result.signal})`);
    console.log(output.split('\n').slice(-40).join('\n'));
  }
  return { ok, status: result.status, stdout: result.stdout ?? '', stderr: result.stderr ?? '', output, seconds };
}

/** The first JSON value in npm's --json output (npm may print notices around it). */
function parseJson(text) {
  const start = text.search(/[[{]/);
  if (start < 0) throw new Error(`no JSON in: ${text.slice(0, 200)}`);
  return JSON.parse(text.slice(start));
}

/** A file's text, or '' when it does not exist. */
function readText(file) {
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
}

function readJson(file) {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

/** Every publishable workspace package: { dir, name, pkg }. */
function workspacePackages() {
  const base = path.join(ROOT, 'packages');
  return fs
    .readdirSync(base)
    .filter((dir) => fs.existsSync(path.join(base, dir, 'package.json')))
    .map((dir) => ({ dir: path.join(base, dir), name: readJson(path.join(base, dir, 'package.json')).name, pkg: readJson(path.join(base, dir, 'package.json')) }))
    .filter((p) => !p.pkg.private)
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** Every file path package.json points at: main, types, exports targets, typesVersions, bin. */
function declaredEntryFiles(pkg) {
  const files = new Set();
  const add = (p) => typeof p === 'string' && !p.includes('*') && files.add(p.replace(/^\.\//, ''));
  add(pkg.main);
  add(pkg.types);
  const walk = (value) => {
    if (typeof value === 'string') add(value);
    else if (value && typeof value === 'object') Object.values(value).forEach(walk);
  };
  walk(pkg.exports);
  walk(pkg.typesVersions);
  walk(typeof pkg.bin === 'string' ? { bin: pkg.bin } : pkg.bin);
  return [...files];
}

/** The sources a package's source maps point to, relative to the package dir. */
function mapSources(pkgDir, files) {
  const sources = new Set();
  for (const file of files.filter((f) => f.endsWith('.map'))) {
    const map = readJson(path.join(pkgDir, file));
    for (const source of map.sources ?? []) sources.add(path.posix.normalize(path.posix.join(path.posix.dirname(file), source)));
  }
  return [...sources];
}

/** Packages the shipped JavaScript requires that package.json does not declare (they would resolve in
 * this workspace, or in a flat install by luck, and fail in a user's project). */
function undeclaredRequires(pkgDir, pkg, files) {
  const declared = new Set([pkg.name, ...Object.keys({ ...pkg.dependencies, ...pkg.peerDependencies, ...pkg.optionalDependencies })]);
  const builtins = new Set(builtinModules);
  const missing = new Set();
  for (const file of files.filter((f) => f.endsWith('.js'))) {
    const text = readText(path.join(pkgDir, file));
    for (const match of text.matchAll(/\brequire\(\s*['"]([^'"]+)['"]\s*\)|\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)) {
      const spec = match[1] ?? match[2];
      if (spec.startsWith('.') || spec.startsWith('node:') || builtins.has(spec.split('/')[0])) continue;
      const base = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0];
      if (!declared.has(base)) missing.add(`${base} (${file})`);
    }
  }
  return [...missing];
}

/** The first fenced block of `lang` after the heading `heading` (any level) in a markdown text. */
function blockAfterHeading(markdown, heading, langs) {
  const lines = markdown.split('\n');
  const start = lines.findIndex((line) => /^#{1,6} /.test(line) && line.replace(/^#+ /, '').trim() === heading);
  if (start < 0) return null;
  for (let i = start + 1; i < lines.length; i++) {
    if (/^#{1,2} /.test(lines[i])) return null; // the next section of the same or a higher level
    const open = /^```(\w+)\s*$/.exec(lines[i]);
    if (open && langs.includes(open[1])) {
      const end = lines.indexOf('```', i + 1);
      return lines.slice(i + 1, end).join('\n') + '\n';
    }
  }
  return null;
}

// ---------------------------------------------------------------------------------------------

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'speechfold-pack-check-'));
const tarballDir = path.join(work, 'tarballs');
const app = path.join(work, 'app');
fs.mkdirSync(tarballDir);
fs.mkdirSync(app);
console.log(`pack-check: temp dir ${work}`);

function finish() {
  const failed = results.filter((r) => !r.ok);
  console.log('\n== pack-check summary');
  for (const r of results) console.log(`${r.ok ? 'ok  ' : 'FAIL'} ${r.name}${r.detail ? `: ${r.detail}` : ''}`);
  console.log(`${results.length - failed.length}/${results.length} checks passed${failed.length ? `; FAILED: ${failed.map((r) => r.name).join(', ')}` : ''}`);
  if (KEEP) console.log(`kept: ${work}`);
  else fs.rmSync(work, { recursive: true, force: true });
  process.exit(failed.length ? 1 : 0);
}

const packages = workspacePackages();

// 1. build
if (!SKIP_BUILD) {
  const build = run('npm', ['run', 'build']);
  record('build (npm run build)', build.ok, `${build.seconds} s`);
  if (!build.ok) finish();
}

// 2. npm pack (prepack: a clean rebuild of the package)
const pack = run('npm', ['pack', '--json', '--workspaces', '--pack-destination', tarballDir, '--ignore-scripts=false'], { quiet: true });
const tarballs = fs.readdirSync(tarballDir).filter((f) => f.endsWith('.tgz')).map((f) => path.join(tarballDir, f));
{
  let sizes = '';
  try {
    const packed = parseJson(pack.stdout);
    const total = packed.reduce((sum, p) => sum + p.size, 0);
    sizes = `, ${(total / 1024).toFixed(0)} KiB packed in all`;
  } catch {
    /* the size is a detail */
  }
  record('npm pack every package (prepack build)', pack.ok && tarballs.length === packages.length, `${tarballs.length}/${packages.length} tarballs${sizes}, ${pack.seconds} s`);
  if (!pack.ok) {
    console.log(pack.output.split('\n').slice(-30).join('\n'));
    finish();
  }
}

// 3. npm publish --dry-run (after the clean rebuilds): the file list of every package
{
  const rootLicense = fs.readFileSync(path.join(ROOT, 'LICENSE'), 'utf8');
  const problems = [];
  let checked = 0;
  const publish = run('npm', ['publish', '--dry-run', '--json', '--workspaces', '--ignore-scripts'], { quiet: true });
  let listing = {};
  try {
    listing = parseJson(publish.stdout);
  } catch (error) {
    problems.push(`npm publish --dry-run output: ${error.message}`);
  }
  if (!publish.ok) problems.push(`npm publish --dry-run exited ${publish.status}: ${publish.stderr.split('\n').filter((l) => /error/i.test(l)).slice(0, 5).join(' | ')}`);
  for (const { dir, name, pkg } of packages) {
    const entry = listing[name];
    if (!entry) {
      problems.push(`${name}: not in the dry-run output`);
      continue;
    }
    checked++;
    const files = new Set(entry.files.map((f) => f.path));
    const required = ['package.json', 'README.md', 'LICENSE', 'dist/index.js', 'dist/index.d.ts', ...declaredEntryFiles(pkg), ...mapSources(dir, [...files])];
    const missing = [...new Set(required)].filter((f) => !files.has(f));
    if (missing.length) problems.push(`${name}: missing ${missing.slice(0, 6).join(', ')}${missing.length > 6 ? ` (+${missing.length - 6})` : ''}`);
    const undeclared = undeclaredRequires(dir, pkg, [...files]);
    if (undeclared.length) problems.push(`${name}: requires undeclared ${undeclared.join(', ')}`);
    const tests = [...files].filter((f) => /\.test(-d)?\.|test-helper|tsbuildinfo/.test(f));
    if (tests.length) problems.push(`${name}: ships test files ${tests.slice(0, 4).join(', ')}`);
    if (readText(path.join(dir, 'LICENSE')) !== rootLicense) problems.push(`${name}: LICENSE differs from the repository's`);
    if (/\]\(\.\.?\//.test(readText(path.join(dir, 'README.md')))) problems.push(`${name}: README has a relative link (broken on npm)`);
    for (const field of ['repository', 'engines', 'publishConfig', 'files', 'license']) if (!pkg[field]) problems.push(`${name}: no "${field}"`);
    if (pkg.scripts?.prepack === undefined) problems.push(`${name}: no prepack build`);
    for (const kind of ['dependencies', 'peerDependencies', 'optionalDependencies']) {
      for (const [dep, range] of Object.entries(pkg[kind] ?? {})) {
        if (/^\d+\.\d+\.\d+$/.test(range)) problems.push(`${name}: ${kind}.${dep} is pinned exactly (${range})`);
      }
    }
  }
  record('npm publish --dry-run: files, LICENSE, metadata', problems.length === 0 && checked === packages.length, problems.length ? problems.join('; ') : `${checked} packages list dist/index.js, dist/index.d.ts, README.md, LICENSE and every entry point`);
}

// 4. a fresh project outside the repository
fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'speechfold-pack-check-app', version: '1.0.0', private: true }, null, 2) + '\n');
{
  const install = run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', ...tarballs, `tsyringe@${APP_TSYRINGE}`, 'reflect-metadata@^0.2.2', 'typescript@~5.9.3', '@types/node@^20.19.0'], { cwd: app });
  const size = run('du', ['-sh', path.join(app, 'node_modules')], { quiet: true }).stdout.split('\t')[0];
  record('npm install of the tarballs in a fresh project (ONNXRUNTIME_NODE_INSTALL=skip)', install.ok, `${install.seconds} s, node_modules ${size}`);
  if (!install.ok) finish();
}
{
  const ls = run('npm', ['ls', '--all', '--json'], { cwd: app, quiet: true });
  const copies = { tsyringe: new Set(), 'reflect-metadata': new Set() };
  const walk = (deps, at) => {
    for (const [name, info] of Object.entries(deps ?? {})) {
      if (name in copies && info.version) copies[name].add(`${info.version}${info.resolved ? '' : ''}`);
      walk(info.dependencies, `${at}/${name}`);
    }
  };
  let problems = [];
  try {
    const tree = parseJson(ls.stdout);
    walk(tree.dependencies, '');
    problems = tree.problems ?? [];
  } catch (error) {
    problems = [error.message];
  }
  // Physical copies: one node_modules/tsyringe and one reflect-metadata in the whole tree.
  const physical = (name) => run('find', [path.join(app, 'node_modules'), '-type', 'd', '-path', `*/node_modules/${name}`], { quiet: true }).stdout.split('\n').filter(Boolean);
  const tsyringeCopies = physical('tsyringe');
  const reflectCopies = physical('reflect-metadata');
  const ok = ls.ok && problems.length === 0 && tsyringeCopies.length === 1 && reflectCopies.length === 1 && [...copies.tsyringe].join() === APP_TSYRINGE;
  record(
    'one tsyringe and one reflect-metadata (peers), npm ls clean',
    ok,
    `tsyringe ${[...copies.tsyringe].join(', ')} (${tsyringeCopies.length} cop${tsyringeCopies.length === 1 ? 'y' : 'ies'}), reflect-metadata ${[...copies['reflect-metadata']].join(', ')} (${reflectCopies.length})${problems.length ? `; npm ls: ${problems.slice(0, 3).join(' | ')}` : ''}`,
  );
}

// 5. the README's "Using it from code" example, as CommonJS and as ESM
const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
const example = blockAfterHeading(readme, 'Using it from code', ['ts']);
const checkpoint = path.join(work, 'checkpoints', 'hubert-tiny');
{
  const synth = `import { synthesize } from '@speechfold/synth';\nconst r = await synthesize({ arch: 'hubert-tiny', outDir: ${JSON.stringify(checkpoint)}, seed: 1 });\nconsole.log(r.parameters);\n`;
  fs.writeFileSync(path.join(app, 'make-checkpoint.mjs'), synth);
  const made = run('node', ['make-checkpoint.mjs'], { cwd: app });
  record('synthetic checkpoint made with @speechfold/synth (hubert-tiny)', made.ok, made.ok ? `${made.stdout.trim()} parameters` : '');
}
if (!example) {
  record("README 'Using it from code' example found", false, 'no ```ts block under that heading');
} else {
  fs.writeFileSync(path.join(app, 'example.cts'), example);
  fs.writeFileSync(path.join(app, 'example.mts'), example);
  const tsconfig = {
    compilerOptions: { module: 'node16', moduleResolution: 'node16', target: 'es2022', strict: true, skipLibCheck: false, types: ['node'], outDir: '.', rootDir: '.' },
    files: ['example.cts', 'example.mts'],
  };
  fs.writeFileSync(path.join(app, 'tsconfig.json'), JSON.stringify(tsconfig, null, 2) + '\n');
  const tsc = run('npx', ['--no-install', 'tsc', '-p', 'tsconfig.json'], { cwd: app });
  record("README example type-checks against the packed .d.ts files (tsc, module node16, strict)", tsc.ok, tsc.ok ? 'example.cts -> example.cjs, example.mts -> example.mjs' : tsc.output.split('\n').slice(0, 6).join(' | '));
  const driver = (kind) => `
const input = ${JSON.stringify(checkpoint)};
const output = input + '-modulo-${kind}';
const result = await compressWithModulo(input, output);
const fs = await import('node:fs');
const files = fs.readdirSync(output).sort();
if (!files.includes('config.json') || !files.includes('model.safetensors')) throw new Error('output lacks config.json or model.safetensors: ' + files);
if (!(result.parameters.after < result.parameters.before)) throw new Error('nothing was removed: ' + JSON.stringify(result.parameters));
console.log(JSON.stringify({ kind: '${kind}', parameters: result.parameters, export: result.exportMode, files: files.length }));
`;
  fs.writeFileSync(path.join(app, 'run-example.cjs'), `const { compressWithModulo } = require('./example.cjs');\n(async () => {${driver('cjs')}})().catch((e) => { console.error(e); process.exit(1); });\n`);
  fs.writeFileSync(path.join(app, 'run-example.mjs'), `import { compressWithModulo } from './example.mjs';\n${driver('esm')}`);
  for (const [kind, file] of [['CommonJS', 'run-example.cjs'], ['ESM', 'run-example.mjs']]) {
    const ran = tsc.ok ? run('node', [file], { cwd: app }) : { ok: false, output: 'not compiled' };
    let detail = '';
    if (ran.ok) {
      const line = JSON.parse(ran.stdout.trim().split('\n').pop());
      detail = `${line.parameters.before} -> ${line.parameters.after} parameters, export ${line.export}`;
    }
    record(`README example runs as ${kind} (${file})`, ran.ok, detail);
  }
}

// 6. every package from ESM: the named exports of the CommonJS build are all there
{
  const entries = [];
  for (const { name, pkg } of packages) {
    for (const subpath of Object.keys(pkg.exports ?? { '.': null })) entries.push(subpath === '.' ? name : `${name}/${subpath.replace(/^\.\//, '')}`);
  }
  const probe = `import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const entries = ${JSON.stringify(entries)};
const report = [];
for (const entry of entries) {
  let cjs;
  try { cjs = require(entry); } catch (error) {
    report.push({ entry, skipped: /jest/i.test(String(error && error.message)) ? 'loads only inside jest' : undefined, error: String(error && error.message).split('\\n')[0] });
    continue;
  }
  const esm = await import(entry);
  const missing = Object.keys(cjs).filter((key) => key !== '__esModule' && !(key in esm));
  report.push({ entry, exports: Object.keys(cjs).length, missing });
}
console.log(JSON.stringify(report));
`;
  fs.writeFileSync(path.join(app, 'esm-imports.mjs'), probe);
  const ran = run('node', ['esm-imports.mjs'], { cwd: app });
  let ok = ran.ok;
  let detail = '';
  if (ran.ok) {
    const report = JSON.parse(ran.stdout.trim().split('\n').pop());
    const bad = report.filter((r) => (r.error && !r.skipped) || (r.missing && r.missing.length));
    const skipped = report.filter((r) => r.skipped);
    const loaded = report.filter((r) => r.missing);
    ok = bad.length === 0;
    detail = `${loaded.length} entry points, ${loaded.reduce((s, r) => s + r.exports, 0)} named exports${skipped.length ? `; ${skipped.map((r) => r.entry).join(', ')}: ${skipped[0].skipped}` : ''}${bad.length ? `; problems: ${bad.map((r) => `${r.entry} ${r.error ?? `missing ${r.missing.join(', ')}`}`).join('; ')}` : ''}`;
  }
  record('ESM import of every CommonJS entry point keeps its named exports', ok, detail);
}

// 7. each package README's "Example" block: a js block runs as an ES module, a sh block (the CLI's)
// in bash with the project's node_modules/.bin on the PATH
{
  const problems = [];
  const ran = [];
  const syntaxOnly = [];
  const examplesDir = path.join(app, 'examples');
  fs.mkdirSync(examplesDir);
  const binEnv = { ...userEnv(), PATH: `${path.join(app, 'node_modules', '.bin')}${path.delimiter}${process.env.PATH}` };
  for (const { dir, name } of packages) {
    const markdown = readText(path.join(dir, 'README.md'));
    const js = blockAfterHeading(markdown, 'Example', ['js']);
    const sh = js === null ? blockAfterHeading(markdown, 'Example', ['sh']) : null;
    if (js === null && sh === null) {
      problems.push(`${name}: no "## Example" js or sh block`);
      continue;
    }
    const short = name.replace('@speechfold/', '');
    const file = path.join(app, `example-${short}.${js !== null ? 'mjs' : 'sh'}`);
    fs.writeFileSync(file, js ?? sh);
    if (EXAMPLE_SYNTAX_ONLY[name]) {
      const check = run('node', ['--check', file], { cwd: examplesDir, quiet: true });
      if (check.ok) syntaxOnly.push(short);
      else problems.push(`${name}: ${check.output.split('\n').slice(0, 5).join(' | ')}`);
      continue;
    }
    const scratch = path.join(work, 'example-runs', short);
    fs.mkdirSync(scratch, { recursive: true });
    const exampleArgs = EXAMPLE_ARGS[name]?.(scratch) ?? [];
    const result =
      js !== null
        ? run('node', [file, ...exampleArgs], { cwd: scratch, quiet: true, timeout: 5 * 60 * 1000 })
        : run('bash', ['-e', file], { cwd: scratch, quiet: true, timeout: 5 * 60 * 1000, env: binEnv });
    if (result.ok) ran.push(`${short} ${result.seconds}s`);
    else problems.push(`${name}: exit ${result.status}: ${result.output.trim().split('\n').slice(-6).join(' | ')}`);
  }
  record(
    'package README examples',
    problems.length === 0,
    `ran ${ran.length} (${ran.join(', ')}); syntax-checked ${syntaxOnly.length} (${syntaxOnly.map((s) => `${s}: ${EXAMPLE_SYNTAX_ONLY[`@speechfold/${s}`]}`).join('; ')})${problems.length ? `; problems: ${problems.join('; ')}` : ''}`,
  );
}

// 8. the installed binary
{
  const bin = path.join(app, 'node_modules', '.bin', 'speechfold');
  const model = path.join(work, 'checkpoints', 'cli-hubert-tiny');
  const synth = run(bin, ['synth', '--arch', 'hubert-tiny', '--out', model], { cwd: app });
  const compress = synth.ok ? run(bin, ['compress', model, '--out', `${model}-fold`, '--sparsity', '0.25', '--quiet', '--report', path.join(work, 'cli-report.json')], { cwd: app }) : { ok: false };
  let detail = '';
  if (compress.ok) {
    const report = readJson(path.join(work, 'cli-report.json'));
    detail = `speechfold synth + compress: ${report.parameters.before} -> ${report.parameters.after} parameters, engine ${report.engine}`;
  }
  record('installed speechfold binary (node_modules/.bin)', synth.ok && compress.ok, detail);
}

finish();
