/**
 * Fingerprints: what produced a reproduction's cells and models, hashed, so that a resumed run reuses
 * only what this very command would have computed.
 *
 * The inputs (RunInputs, stored in <out>/run.json):
 * - the speechfold version (this package's version);
 * - the model: the sha256 of the bytes of every *.json, *.txt and *.safetensors file at the top of the
 *   model dir (config.json, the weights and their index, tokenizer and preprocessor files). The weights
 *   are hashed in full (streamed, about 0.3 s for whisper-base's 140 MB): a fine-tuned checkpoint has
 *   the same names, shapes and sizes as its base model, so nothing cheaper tells them apart;
 * - each data split: its resolved path and, for a split dir, every file below it (sorted relative path
 *   and size, plus the sha256 of each .txt transcript); for a list file, the sha256 of its bytes;
 * - --limit, --seed, --max-new-tokens and --groups.
 * A model report is keyed by the version, model, seed, groups and its variant's settings (plan.ts:
 * method, pipeline step, folding settings, norm, policy, sparsity, export mode); a cell adds its split,
 * --limit and --max-new-tokens. The hash is a sha256 over canonical JSON (object keys sorted).
 */
import { createHash } from 'node:crypto';
import { createReadStream, promises as fs } from 'node:fs';
import path from 'node:path';
import { PathError, withPathErrors } from '@speechfold/core';
import { splitName, variantSettings, type Variant } from './plan';

/** A data split's identity. */
export interface SplitIdentity {
  split: string;
  /** The resolved (absolute, symlink-free) path. */
  path: string;
  kind: 'dir' | 'list';
  /** Files below the split dir, or 1 for a list file. */
  files: number;
  /** sha256 of the sorted file list (dir) or of the list file's bytes. */
  sha256: string;
}

/** Everything shared by the cells of a run (stored in run.json). */
export interface RunInputs {
  /** The speechfold (reproduce package) version. */
  speechfold: string;
  /** The model dir as given (informative only: the files decide) and sha256 per file name. */
  model: { path: string; files: Record<string, string> };
  data: SplitIdentity[];
  limit: number | null;
  seed: number;
  maxNewTokens: number | null;
  groups: string[];
}

/** What the fingerprints are computed from. */
export interface FingerprintOptions {
  model: string;
  data: string[];
  limit?: number;
  seed: number;
  maxNewTokens?: number;
  kinds: string[];
}

/** JSON with object keys sorted at every level: equal values give equal text. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** sha256 (hex) of the canonical JSON of `value`. */
export function fingerprintOf(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex');
}

/** This package's version: the speechfold version recorded in every fingerprint. */
export function speechfoldVersion(): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require('../package.json') as { version: string }).version;
}

async function hashFile(file: string): Promise<string> {
  return withPathErrors(file, 'read', async () => {
    const hash = createHash('sha256');
    for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
    return hash.digest('hex');
  });
}

const MODEL_FILE = /\.(json|txt|safetensors)$/;

/** sha256 of every *.json, *.txt and *.safetensors file at the top of the model dir, by name. */
export async function modelIdentity(model: string): Promise<Record<string, string>> {
  const stat = await fs.stat(model).catch(() => null);
  if (!stat) throw new PathError(model, 'no such model dir (--model)');
  if (!stat.isDirectory()) throw new PathError(model, 'expected a model dir (config.json + *.safetensors) for --model');
  const names = (await withPathErrors(model, 'list', () => fs.readdir(model))).filter((n) => MODEL_FILE.test(n)).sort();
  const files: Record<string, string> = {};
  for (const name of names) {
    const file = path.join(model, name);
    if ((await fs.stat(file)).isFile()) files[name] = await hashFile(file);
  }
  if (!('config.json' in files)) throw new PathError(model, 'not a model dir: expected a config.json in it (--model)');
  return files;
}

/** Every file below `dir` as 'relative/path<TAB>size[<TAB>sha256 for .txt]', sorted. */
async function listFiles(dir: string): Promise<string[]> {
  const lines: string[] = [];
  const walk = async (rel: string): Promise<void> => {
    const here = path.join(dir, rel);
    for (const name of await withPathErrors(here, 'list', () => fs.readdir(here))) {
      const relative = rel === '' ? name : `${rel}/${name}`;
      const full = path.join(dir, relative);
      const stat = await withPathErrors(full, 'read', () => fs.stat(full));
      if (stat.isDirectory()) await walk(relative);
      else if (stat.isFile()) lines.push(`${relative}\t${stat.size}${name.endsWith('.txt') ? `\t${await hashFile(full)}` : ''}`);
    }
  };
  await walk('');
  return lines.sort();
}

/** A split's identity: resolved path and its file list (dir) or bytes (list file). */
export async function splitIdentity(data: string): Promise<SplitIdentity> {
  const stat = await fs.stat(data).catch(() => null);
  if (!stat) throw new PathError(data, 'no such data dir or list file (--data; expected a LibriSpeech split dir or a list file)');
  const resolved = await fs.realpath(data);
  if (stat.isDirectory()) {
    const lines = await listFiles(resolved);
    return { split: splitName(data), path: resolved, kind: 'dir', files: lines.length, sha256: createHash('sha256').update(lines.join('\n')).digest('hex') };
  }
  return { split: splitName(data), path: resolved, kind: 'list', files: 1, sha256: await hashFile(resolved) };
}

/** The run's inputs: hashes the model files and lists every split. */
export async function runInputs(options: FingerprintOptions): Promise<RunInputs> {
  const files = await modelIdentity(options.model);
  const data: SplitIdentity[] = [];
  for (const d of options.data) data.push(await splitIdentity(d));
  return {
    speechfold: speechfoldVersion(),
    model: { path: path.resolve(options.model), files },
    data,
    limit: options.limit ?? null,
    seed: options.seed,
    maxNewTokens: options.maxNewTokens ?? null,
    groups: [...options.kinds],
  };
}

/** The run's fingerprint: every input but the model path (the files decide). */
export function runFingerprint(inputs: RunInputs): string {
  return fingerprintOf({ ...inputs, model: inputs.model.files });
}

/** Fingerprint of a compressed variant (models/<id>.json): version, model, seed, groups and its settings. */
export function modelFingerprint(inputs: RunInputs, variant: Variant): string {
  return fingerprintOf({
    speechfold: inputs.speechfold,
    model: inputs.model.files,
    seed: inputs.seed,
    groups: inputs.groups,
    variant: variant.id,
    settings: variantSettings(variant),
  });
}

/** Fingerprint of a cell: its variant's (above) plus its split, --limit and --max-new-tokens. */
export function cellFingerprint(inputs: RunInputs, variant: Variant, split: SplitIdentity): string {
  return fingerprintOf({
    model: modelFingerprint(inputs, variant),
    split,
    limit: inputs.limit,
    maxNewTokens: inputs.maxNewTokens,
  });
}

const show = (x: unknown): string => (x === null ? 'all' : Array.isArray(x) ? x.join(',') : String(x));

/**
 * How `now` differs from `before` in what decides existing cells, one entry per input ('--limit (1 -> 2)',
 * 'model files (model.safetensors changed)'); empty when a resumed run may reuse them. Splits only in one
 * of the two are no difference: a new split adds cells, a dropped one is left alone.
 */
export function differences(before: RunInputs, now: RunInputs): string[] {
  const out: string[] = [];
  if (before.speechfold !== now.speechfold) out.push(`speechfold version (${before.speechfold} -> ${now.speechfold})`);
  const names = [...new Set([...Object.keys(before.model.files), ...Object.keys(now.model.files)])].sort();
  const changed = names.flatMap((n) => {
    const [b, a] = [before.model.files[n], now.model.files[n]];
    if (b === a) return [];
    return [`${n} ${b === undefined ? 'added' : a === undefined ? 'removed' : 'changed'}`];
  });
  if (changed.length > 0) out.push(`model files (${changed.join(', ')})`);
  for (const split of now.data) {
    const old = before.data.find((s) => s.split === split.split);
    if (!old) continue;
    if (old.path !== split.path) out.push(`--data ${split.split} (path ${old.path} -> ${split.path})`);
    else if (old.kind !== split.kind || old.sha256 !== split.sha256) {
      out.push(`--data ${split.split} (${split.kind === 'dir' && old.kind === 'dir' ? `its files changed: ${old.files} -> ${split.files} files` : 'its contents changed'})`);
    }
  }
  if (before.limit !== now.limit) out.push(`--limit (${show(before.limit)} -> ${show(now.limit)})`);
  if (before.seed !== now.seed) out.push(`--seed (${before.seed} -> ${now.seed})`);
  if (before.maxNewTokens !== now.maxNewTokens) out.push(`--max-new-tokens (${show(before.maxNewTokens)} -> ${show(now.maxNewTokens)})`);
  if (canonicalJson(before.groups) !== canonicalJson(now.groups)) out.push(`--groups (${show(before.groups)} -> ${show(now.groups)})`);
  return out;
}
