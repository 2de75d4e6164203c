/**
 * `--adapter <module>` (compress, eval, inspect; repeatable): ModelAdapters from outside speechfold,
 * loaded from an installed package or a file and tried before the built-in ones, so that a new model
 * family needs no change to speechfold (docs/adapters.md). A module exports, as its default export
 * (CommonJS: `module.exports`) or as the named export `adapter` or `adapters`: a ModelAdapter, an
 * array of them, or a factory function or class that makes either. What it loads is checked, and any
 * problem is one OptionError naming --adapter and the module.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { OptionError, SpeechfoldError, type ModelAdapter, type ModelDescription } from '@speechfold/core';
import { defaultAdapters } from '@speechfold/presets';
import { openCheckpoint } from '@speechfold/safetensors';
import { formatInspect, inspectCheckpoint, type InspectReport } from './commands/inspect';

/** The option's help line. */
export const ADAPTER_OPTION_HELP =
  'load a model adapter from a package or file (default export, or export adapter/adapters), tried before the built-in ones; repeatable';

/** commander's argParser for a repeatable option: every value, in order. */
export function collect(value: string, previous: readonly string[] = []): string[] {
  return [...previous, value];
}

/** The members every ModelAdapter has besides `id`. */
const METHODS = ['matches', 'validate', 'groups', 'rewriteConfig'] as const;

/** Export names searched, in order, when the module itself is no adapter. */
const EXPORTS = ['default', 'adapters', 'adapter'] as const;

function fail(specifier: string, problem: string): OptionError {
  return new OptionError('--adapter', `module '${specifier}': ${problem}`);
}

/** The first line of what a module threw: its message, never its stack or a code frame. */
function firstLine(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return text.split('\n')[0];
}

/**
 * Where a specifier is: a path (starts with '.', absolute, or an existing file relative to `cwd`) or
 * an installed package, looked up from `cwd` (node_modules up the tree, NODE_PATH, global folders) and
 * then from speechfold's own install.
 */
function resolveModule(specifier: string, cwd: string): string {
  if (specifier.trim() === '') throw new OptionError('--adapter', 'expected a package name or a file path, got an empty string');
  const asPath = path.resolve(cwd, specifier);
  if (specifier.startsWith('.') || path.isAbsolute(specifier) || fs.existsSync(asPath)) {
    if (!fs.existsSync(asPath)) throw fail(specifier, `no such file (${asPath})`);
    return require.resolve(asPath);
  }
  for (const from of [path.join(cwd, 'package.json'), __filename]) {
    try {
      return createRequire(from).resolve(specifier);
    } catch {
      // not installed there: try the next place
    }
  }
  throw fail(specifier, `cannot be found: not a file, and no package of that name is installed (looked from ${cwd})`);
}

/**
 * Loads a resolved module: through require, which reads CommonJS and (Node >= 20.19) ES modules; an
 * ES module with top-level await needs import(), which TypeScript's CommonJS output would turn back
 * into require, hence the Function.
 */
async function loadModule(file: string, specifier: string): Promise<unknown> {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(file) as unknown;
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code !== 'ERR_REQUIRE_ASYNC_MODULE' && code !== 'ERR_REQUIRE_ESM') throw fail(specifier, `failed to load: ${firstLine(error)}`);
  }
  try {
    const importModule = new Function('url', 'return import(url)') as (url: string) => Promise<unknown>;
    return await importModule(pathToFileURL(file).href);
  } catch (error) {
    throw fail(specifier, `failed to load: ${firstLine(error)}`);
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** What in an object is missing for it to be a ModelAdapter (empty: it is one). */
function missingMembers(value: unknown): string[] {
  if (!isObject(value)) return ['id', ...METHODS];
  const missing: string[] = typeof value.id === 'string' && /^\S+$/.test(value.id) ? [] : ['id (a non-empty string)'];
  for (const m of METHODS) if (typeof value[m] !== 'function') missing.push(`${m}()`);
  return missing;
}

/** A value a module may hold: an adapter, an array of them, a factory or class (not a module namespace). */
function isCandidate(value: unknown): boolean {
  return typeof value === 'function' || Array.isArray(value) || (isObject(value) && missingMembers(value).length === 0);
}

/** An object meant as an adapter (it has an id or an adapter method), so that what it lacks can be named. */
function meantAsAdapter(value: Record<string, unknown>): boolean {
  return 'id' in value || METHODS.some((m) => m in value);
}

/** The candidate a module exports: the module itself (CommonJS), else its default, `adapters` or `adapter` export. */
function exported(module: unknown, specifier: string): unknown {
  let value = module;
  // Twice: an ES module's default export may be a transpiled module with a default of its own.
  for (let depth = 0; depth < 2 && isObject(value) && !isCandidate(value) && !meantAsAdapter(value); depth++) {
    const record = value;
    const key = EXPORTS.find((k) => record[k] !== undefined);
    value = key === undefined ? undefined : record[key];
  }
  if (typeof value !== 'function' && !isObject(value)) {
    const names = isObject(module) ? Object.keys(module).filter((k) => k !== '__esModule') : [];
    throw fail(
      specifier,
      'exports no model adapter: expected a default export or a named export adapter or adapters holding a ModelAdapter, ' +
        `an array of them, or a factory or class making one (it exports ${names.length > 0 ? names.join(', ') : 'nothing'})`,
    );
  }
  return value;
}

/** An adapter from a factory or class: a class is constructed, a function called (and awaited). */
async function made(value: (...args: unknown[]) => unknown, specifier: string): Promise<unknown> {
  const isClass = /^class\b/.test(Function.prototype.toString.call(value));
  try {
    return isClass ? new (value as unknown as new () => unknown)() : await value();
  } catch (error) {
    throw fail(specifier, `its ${isClass ? 'class' : 'factory'} ${value.name || '(anonymous)'} threw: ${firstLine(error)}`);
  }
}

/** The adapters a candidate stands for, each checked. */
async function adaptersOf(candidate: unknown, specifier: string): Promise<ModelAdapter[]> {
  const value = typeof candidate === 'function' ? await made(candidate as (...args: unknown[]) => unknown, specifier) : candidate;
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0) throw fail(specifier, 'exports an empty list of adapters');
  const adapters: ModelAdapter[] = [];
  for (const [i, item] of list.entries()) {
    const adapter = typeof item === 'function' ? await made(item as (...args: unknown[]) => unknown, specifier) : item;
    const missing = missingMembers(adapter);
    if (missing.length > 0) {
      const which = Array.isArray(value) ? `adapter [${i}]` : 'its export';
      throw fail(specifier, `${which} is not a ModelAdapter: it lacks ${missing.join(', ')}`);
    }
    adapters.push(adapter as ModelAdapter);
  }
  return adapters;
}

/** The adapters of the modules named by --adapter, in the order given; `cwd` is where names are resolved from. */
export async function loadAdapters(specifiers: readonly string[] = [], cwd = process.cwd()): Promise<ModelAdapter[]> {
  const adapters: ModelAdapter[] = [];
  for (const specifier of specifiers) {
    const file = resolveModule(specifier, cwd);
    adapters.push(...(await adaptersOf(exported(await loadModule(file, specifier), specifier), specifier)));
  }
  return adapters;
}

/** The adapters a command detects models with: those of --adapter first, then the built-in ones. */
export async function commandAdapters(specifiers: readonly string[] = []): Promise<ModelAdapter[]> {
  return [...(await loadAdapters(specifiers)), ...defaultAdapters()];
}

/**
 * The group kinds inspect lists: the kinds the shipped adapters build. An adapter that does not offer
 * one refuses it (OptionError on --groups) and it is left out.
 */
const INSPECT_KINDS = ['ffn', 'heads'] as const;

/** What inspect says about the adapter that handles a model dir. */
export interface InspectAdapter {
  /** The first adapter (those of --adapter first) whose matches() accepts config.json. */
  id: string;
  /** Why it refuses the checkpoint (its error's message), or null when it validates. */
  problem: string | null;
  /** Its fold groups of the kinds it offers (ffn, heads); empty when it refuses the checkpoint. */
  groups: { name: string; kind: string; units: number }[];
}

/** The inspect report with the model's adapter: null for a bare .safetensors file or a config no adapter matches. */
export interface InspectWithAdapter extends InspectReport {
  adapter: InspectAdapter | null;
}

/** What the first matching adapter says about a model: its id, whether it validates, its groups. */
export function describeWithAdapters(model: ModelDescription, adapters: readonly ModelAdapter[]): InspectAdapter | null {
  const adapter = adapters.find((a) => a.matches(model.config));
  if (adapter === undefined) return null;
  try {
    adapter.validate(model);
    const groups = INSPECT_KINDS.flatMap((kind) => {
      try {
        return adapter.groups(model, [kind]);
      } catch (error) {
        if (error instanceof OptionError) return [];
        throw error;
      }
    });
    return { id: adapter.id, problem: null, groups: groups.map((g) => ({ name: g.name, kind: g.kind, units: g.units })) };
  } catch (error) {
    if (!(error instanceof SpeechfoldError)) throw error;
    return { id: adapter.id, problem: error.message, groups: [] };
  }
}

/** `speechfold inspect`: the tensor table and config, and what the model's adapter says about them. */
export async function inspectWithAdapters(target: string, specifiers: readonly string[] = []): Promise<InspectWithAdapter> {
  const adapters = await commandAdapters(specifiers);
  const report = await inspectCheckpoint(target);
  const model: ModelDescription | null = report.config === null ? null : { config: report.config, tensors: report.tensors };
  return { ...report, adapter: model === null ? null : describeWithAdapters(model, adapters) };
}

/** The inspect table, then one line on the adapter. */
export function formatInspectWithAdapter(report: InspectWithAdapter): string {
  const a = report.adapter;
  if (a === null) return formatInspect(report) + (report.config === null ? '' : 'adapter: none matches this config.json\n');
  if (a.problem !== null) return formatInspect(report) + `adapter ${a.id}: refuses this checkpoint: ${a.problem}\n`;
  const kinds = [...new Set(a.groups.map((g) => g.kind))].map((kind) => {
    const units = a.groups.filter((g) => g.kind === kind).map((g) => g.units);
    const range = Math.min(...units) === Math.max(...units) ? `${units[0]}` : `${Math.min(...units)}-${Math.max(...units)}`;
    return `${units.length} ${kind} groups of ${range} units`;
  });
  return formatInspect(report) + `adapter ${a.id}: valid; ${kinds.length > 0 ? kinds.join(', ') : 'no fold groups'}\n`;
}

/**
 * eval: the first adapter that matches the model dir's config.json checks it against the tensors
 * before the runtime loads it, so a checkpoint whose config and tensors disagree is refused naming the
 * tensor. A dir without a readable config or checkpoint is left to the runtime, which names what is missing.
 */
export async function checkModelWithAdapters(dir: string, adapters: readonly ModelAdapter[]): Promise<void> {
  let config: unknown;
  try {
    config = JSON.parse(await fs.promises.readFile(path.join(dir, 'config.json'), 'utf8'));
  } catch {
    return;
  }
  if (!isObject(config) || Array.isArray(config)) return;
  const adapter = adapters.find((a) => a.matches(config as Record<string, unknown>));
  if (adapter === undefined) return;
  const source = await openCheckpoint(dir).catch(() => null);
  if (source === null) return;
  try {
    adapter.validate({ config: config as Record<string, unknown>, tensors: source.list() });
  } finally {
    await source.close();
  }
}
