// `--adapter <module>`: a tiny adapter for a toy model family, written to a temp dir as a plain
// CommonJS file (and as an installed package), loaded by compress, inspect and eval.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openCheckpoint, createCheckpointSink } from '@speechfold/safetensors';
import { loadAdapters } from './adapters';
import { EXIT_OK, EXIT_USAGE } from './exit';
import { memoryIO } from './io';
import { main } from './main';

/**
 * A one-layer MLP family: fc1 [ffn_dim, hidden_size] (+ bias), fc2 [hidden_size, ffn_dim] (+ bias);
 * one 'ffn' group; 'hf' writes the kept width to ffn_dim. Errors are core ModelErrors (core is
 * required by path, as a plugin package would require its own dependency).
 */
const TOY_ADAPTER = `'use strict';
const { ModelError } = require(${JSON.stringify(path.resolve(__dirname, '../../core/src/index.ts'))});
class ToyAdapter {
  constructor() { this.id = 'toy-mlp'; }
  matches(config) { return config.model_type === 'toy-mlp'; }
  validate(model) {
    const c = model.config;
    const want = { 'fc1.weight': [c.ffn_dim, c.hidden_size], 'fc1.bias': [c.ffn_dim], 'fc2.weight': [c.hidden_size, c.ffn_dim], 'fc2.bias': [c.hidden_size] };
    for (const name of Object.keys(want)) {
      const t = model.tensors.find((x) => x.name === name);
      if (!t || String(t.shape) !== String(want[name])) throw new ModelError({ tensor: name }, 'disagrees with config.json (toy-mlp)');
    }
    if (model.tensors.length !== 4) throw new ModelError({ file: 'config.json' }, 'toy-mlp stores 4 tensors');
  }
  groups(model, kinds) {
    const units = model.tensors.find((t) => t.name === 'fc1.weight').shape[0];
    if (!kinds.includes('ffn')) return [];
    return [{ name: 'layers.0.ffn', kind: 'ffn', stack: 'encoder', layer: 0, units,
      producers: [{ tensor: 'fc1.weight', axis: 0, start: 0, unitSize: 1 }, { tensor: 'fc1.bias', axis: 0, start: 0, unitSize: 1 }],
      consumers: [{ tensor: 'fc2.weight', axis: 1, start: 0, unitSize: 1 }] }];
  }
  rewriteConfig(model, kept, mode) {
    return { ...model.config, ffn_dim: kept.get('layers.0.ffn') ?? model.config.ffn_dim };
  }
}
`;

let root: string;
let toyModel: string;
let toyFile: string;

/** Writes a module into the temp dir and returns its path. */
function writeModule(name: string, text: string): string {
  const file = path.join(root, name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  return file;
}

async function writeToyModel(dir: string, config: Record<string, unknown>, ffn = 8, hidden = 4): Promise<void> {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify(config));
  const sink = await createCheckpointSink(dir);
  const values = (n: number) => Float32Array.from({ length: n }, (_, i) => Math.sin(i + 1));
  await sink.addFloat32('fc1.weight', 'F32', [ffn, hidden], values(ffn * hidden));
  await sink.addFloat32('fc1.bias', 'F32', [ffn], values(ffn));
  await sink.addFloat32('fc2.weight', 'F32', [hidden, ffn], values(ffn * hidden));
  await sink.addFloat32('fc2.bias', 'F32', [hidden], values(hidden));
  await sink.commit();
}

async function run(...argv: string[]) {
  const io = memoryIO();
  const code = await main(argv, io);
  return { code, out: io.out.join(''), err: io.err.join('') };
}

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'speechfold-adapters-'));
  toyFile = writeModule('toy-adapter.js', `${TOY_ADAPTER}module.exports = new ToyAdapter();\n`);
  toyModel = path.join(root, 'toy');
  await writeToyModel(toyModel, { model_type: 'toy-mlp', hidden_size: 4, ffn_dim: 8 });
});

afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

describe('--adapter', () => {
  it('lets compress fold a model family speechfold does not ship, which it refuses without the adapter', async () => {
    const without = await run('compress', toyModel, '--out', path.join(root, 'none'), '--quiet');
    expect(without.code).toBe(EXIT_USAGE);
    expect(without.err).toContain('toy-mlp');

    const out = path.join(root, 'toy-folded');
    const { code, err } = await run('compress', toyModel, '--out', out, '--adapter', toyFile, '--export', 'hf', '--sparsity', '0.5', '--quiet');
    expect(err).toBe('');
    expect(code).toBe(EXIT_OK);
    expect(JSON.parse(fs.readFileSync(path.join(out, 'config.json'), 'utf8'))).toEqual({ model_type: 'toy-mlp', hidden_size: 4, ffn_dim: 4 });
    const source = await openCheckpoint(out);
    const shapes = Object.fromEntries(source.list().map((t) => [t.name, t.shape]));
    await source.close();
    expect(shapes).toEqual({ 'fc1.weight': [4, 4], 'fc1.bias': [4], 'fc2.weight': [4, 4], 'fc2.bias': [4] });
  });

  it('loads every export form: default, adapter, adapters (a list), a factory, a class; from a file or an installed package', async () => {
    const forms: Record<string, string> = {
      'default.js': 'exports.__esModule = true; exports.default = new ToyAdapter();',
      'named.js': 'exports.adapter = new ToyAdapter(); exports.other = 1;',
      'list.js': 'exports.adapters = [new ToyAdapter(), new ToyAdapter()];',
      'factory.js': 'module.exports = async () => new ToyAdapter();',
      'class.js': 'module.exports = ToyAdapter;',
      'nested.js': 'exports.default = { __esModule: true, default: () => [ToyAdapter] };',
    };
    for (const [name, tail] of Object.entries(forms)) {
      const file = writeModule(`forms/${name}`, `${TOY_ADAPTER}${tail}\n`);
      const adapters = await loadAdapters([`./forms/${name}`], root);
      expect([name, adapters.map((a) => a.id)]).toEqual([name, name === 'list.js' ? ['toy-mlp', 'toy-mlp'] : ['toy-mlp']]);
      expect(fs.existsSync(file)).toBe(true);
    }
    writeModule('project/node_modules/speechfold-adapter-toy/package.json', JSON.stringify({ name: 'speechfold-adapter-toy', main: 'lib/index.js' }));
    writeModule('project/node_modules/speechfold-adapter-toy/lib/index.js', `${TOY_ADAPTER}module.exports = { adapter: new ToyAdapter() };\n`);
    const fromPackage = await loadAdapters(['speechfold-adapter-toy'], path.join(root, 'project'));
    expect(fromPackage.map((a) => a.id)).toEqual(['toy-mlp']);
    expect(fromPackage[0].matches({ model_type: 'toy-mlp' })).toBe(true);
  });

  it('makes inspect name the adapter and its groups, or what it refuses', async () => {
    const json = await run('inspect', toyModel, '--json', '--adapter', toyFile);
    expect(json.code).toBe(EXIT_OK);
    expect(JSON.parse(json.out).adapter).toEqual({ id: 'toy-mlp', problem: null, groups: [{ name: 'layers.0.ffn', kind: 'ffn', units: 8 }] });
    const text = await run('inspect', toyModel, '--adapter', toyFile);
    expect(text.out).toContain('adapter toy-mlp: valid; 1 ffn groups of 8 units');
    // Without it no adapter matches; a shipped family is described by its built-in adapter.
    expect(JSON.parse((await run('inspect', toyModel, '--json')).out).adapter).toBeNull();
    const broken = path.join(root, 'toy-broken');
    await writeToyModel(broken, { model_type: 'toy-mlp', hidden_size: 4, ffn_dim: 6 });
    const refused = JSON.parse((await run('inspect', broken, '--json', '--adapter', toyFile)).out).adapter;
    expect(refused).toEqual({ id: 'toy-mlp', problem: "tensor 'fc1.weight': disagrees with config.json (toy-mlp)", groups: [] });
  });

  it('makes eval check the checkpoint with the adapter before the runtime loads it', async () => {
    const broken = path.join(root, 'toy-broken-eval');
    await writeToyModel(broken, { model_type: 'toy-mlp', hidden_size: 4, ffn_dim: 6 });
    const data = path.join(root, 'no-data');
    const refused = await run('eval', broken, '--data', data, '--adapter', toyFile, '--quiet');
    expect([refused.code, refused.err.trim()]).toEqual([EXIT_USAGE, "speechfold: tensor 'fc1.weight': disagrees with config.json (toy-mlp)"]);
    // A checkpoint the adapter accepts reaches the runtimes, which evaluate HuBERT-CTC and Whisper only.
    const valid = await run('eval', toyModel, '--data', data, '--adapter', toyFile, '--quiet');
    expect(valid.code).toBe(EXIT_USAGE);
    expect(valid.err).toContain("cannot evaluate model_type 'toy-mlp'");
  });

  it('refuses a module that is missing, fails to load or exports no adapter, in one line naming --adapter and the module', async () => {
    const cases: [string, string | null, RegExp][] = [
      ['./nope.js', null, /no such file/],
      ['speechfold-adapter-nowhere', null, /cannot be found: not a file, and no package of that name is installed/],
      ['./bad/syntax.js', 'module.exports = {;', /failed to load: .*(SyntaxError|Unexpected token)/],
      ['./bad/throws.js', "throw new Error('cannot start\\nsecond line');", /failed to load: Error: cannot start$/],
      ['./bad/nothing.js', 'exports.helper = 1; exports.version = 2;', /exports no model adapter: .*\(it exports helper, version\)/],
      ['./bad/partial.js', "module.exports = { id: 'half', matches() { return false; } };", /its export is not a ModelAdapter: it lacks validate\(\), groups\(\), rewriteConfig\(\)/],
      ['./bad/empty.js', 'module.exports = [];', /exports an empty list of adapters/],
      ['./bad/factory.js', "module.exports = function make() { throw new Error('no licence'); };", /its factory make threw: Error: no licence/],
      ['./bad/list.js', `${TOY_ADAPTER}module.exports = [new ToyAdapter(), { id: 'x' }];`, /adapter \[1\] is not a ModelAdapter: it lacks matches\(\)/],
      ['./bad/id.js', "module.exports = { id: '', matches() {}, validate() {}, groups() {}, rewriteConfig() {} };", /lacks id \(a non-empty string\)/],
    ];
    for (const [specifier, text, expected] of cases) {
      if (text !== null) writeModule(specifier, text);
      const cwd = process.cwd();
      process.chdir(root);
      try {
        const { code, err } = await run('compress', toyModel, '--out', path.join(root, 'never'), '--adapter', specifier, '--quiet');
        expect([specifier, code, err.trim().split('\n').length]).toEqual([specifier, EXIT_USAGE, 1]);
        expect(err).toContain(`option --adapter: module '${specifier}': `);
        expect(err.trim()).toMatch(expected);
      } finally {
        process.chdir(cwd);
      }
      expect(fs.existsSync(path.join(root, 'never'))).toBe(false);
    }
  });
});
