/**
 * The results dir (--out) of a run and its run.json: the guard before any work (not a file, not an
 * input), the record of the inputs its cells were computed from, and the refusal (or, with --force, the
 * fresh start) when a later command into the same dir has other inputs.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { checkOutputPath, OptionError, PathError, withPathErrors, type ProgressListener } from '@speechfold/core';
import type { Checked } from './cell-schema';
import { readJson, writeAtomic } from './files';
import { canonicalJson, differences, runFingerprint, type RunInputs } from './fingerprint';

/** The record of a run's inputs, <out>/run.json. */
export const RUN_FILE = 'run.json';

/** run.json. */
export interface RunRecord {
  /** sha256 of the inputs (fingerprint.ts: runFingerprint). */
  fingerprint: string;
  inputs: RunInputs;
  /** The variants asked for so far (informative: adding some to a run is no mismatch). */
  methods: string[];
  policies: string[];
  sparsities: number[];
}

/**
 * Refuses --out before any work when it exists and is not a dir (PathError), or is, lies inside or
 * holds the model dir or a data path (OptionError). An existing dir is fine: it is a run to resume.
 */
export async function checkOutDir(out: string, inputs: readonly string[]): Promise<string> {
  const stat = typeof out === 'string' && out !== '' ? await fs.stat(out).catch(() => null) : null;
  if (stat && !stat.isDirectory()) throw new PathError(out, 'exists and is not a directory; --out names the results dir (created, or reused to resume)');
  return checkOutputPath(out, { option: '--out', inputs, kind: 'dir', force: true });
}

const isStringArray = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');
const isCountOrNull = (v: unknown): boolean => v === null || (Number.isSafeInteger(v) && (v as number) >= 0);

/** Checks run.json's JSON: the fields `differences` compares must be there with their types. */
export function checkRunRecord(value: unknown): Checked<RunRecord> {
  const fail = (problem: string): Checked<RunRecord> => ({ ok: false, problem });
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return fail('expected a JSON object');
  const r = value as Partial<RunRecord>;
  const inputs = r.inputs as Partial<RunInputs> | undefined;
  if (typeof inputs !== 'object' || inputs === null) return fail("field 'inputs': expected an object");
  if (typeof inputs.speechfold !== 'string') return fail("field 'inputs.speechfold': expected a string");
  const files = inputs.model?.files;
  if (typeof files !== 'object' || files === null || !Object.values(files).every((h) => typeof h === 'string')) {
    return fail("field 'inputs.model.files': expected an object of sha256 strings");
  }
  if (!Array.isArray(inputs.data)) return fail("field 'inputs.data': expected an array");
  for (const [i, s] of inputs.data.entries()) {
    const ok =
      typeof s === 'object' && s !== null &&
      typeof s.split === 'string' && typeof s.path === 'string' && (s.kind === 'dir' || s.kind === 'list') &&
      Number.isSafeInteger(s.files) && typeof s.sha256 === 'string';
    if (!ok) return fail(`field 'inputs.data[${i}]': expected {split, path, kind, files, sha256}`);
  }
  if (!isCountOrNull(inputs.limit)) return fail("field 'inputs.limit': expected an integer or null");
  if (!Number.isSafeInteger(inputs.seed)) return fail("field 'inputs.seed': expected an integer");
  if (!isCountOrNull(inputs.maxNewTokens)) return fail("field 'inputs.maxNewTokens': expected an integer or null");
  if (!isStringArray(inputs.groups)) return fail("field 'inputs.groups': expected an array of strings");
  if (typeof r.fingerprint !== 'string') return fail("field 'fingerprint': expected a string");
  if (!isStringArray(r.methods) || !isStringArray(r.policies)) return fail("fields 'methods', 'policies': expected arrays of strings");
  if (!Array.isArray(r.sparsities) || !r.sparsities.every((s) => typeof s === 'number')) return fail("field 'sparsities': expected an array of numbers");
  return { ok: true, value: value as RunRecord };
}

/** What a run writes into --out (all of it is removed by --force on a mismatch). */
function isRunOutput(name: string): boolean {
  return ['cells', 'models', RUN_FILE, 'results.json', 'table.md', 'widths.svg'].includes(name) || /^wer-.+\.svg$/.test(name);
}

/** What `openRun` is given. */
export interface OpenRunOptions {
  out: string;
  inputs: RunInputs;
  methods: string[];
  policies: string[];
  sparsities: number[];
  /** On a mismatch, delete the old run's outputs and start afresh instead of refusing. */
  force: boolean;
  /** Read only: never write run.json or delete anything. */
  reportOnly: boolean;
  progress: ProgressListener;
}

/**
 * Compares this run's inputs with <out>/run.json. Equal (or no run.json yet): records them and goes on.
 * Different: an OptionError naming --out and what differs, unless `force`, which deletes the old run's
 * cells, models, run.json, results and plots first. An unreadable or malformed run.json is named in a
 * warning and replaced (the cells still carry their own fingerprints, checked one by one).
 */
export async function openRun(o: OpenRunOptions): Promise<void> {
  const file = path.join(o.out, RUN_FILE);
  const read = await readJson(file);
  let previous: RunRecord | null = null;
  if (read.kind === 'bad') o.progress({ type: 'warning', message: `${file} ${read.problem}; ignoring it (every cell is still checked against its fingerprint)` });
  if (read.kind === 'json') {
    const checked = checkRunRecord(read.value);
    if (checked.ok) previous = checked.value;
    else o.progress({ type: 'warning', message: `${file}: ${checked.problem}; ignoring it (every cell is still checked against its fingerprint)` });
  }
  const diff = previous ? differences(previous.inputs, o.inputs) : [];
  if (diff.length > 0) {
    const what = `'${o.out}' holds a reproduce run of other inputs (differs: ${diff.join('; ')})`;
    if (o.reportOnly) throw new OptionError('--out', `${what}: its cells are not results of this command; rerun with the inputs recorded in ${file}`);
    if (!o.force) throw new OptionError('--out', `${what}; pass --force to delete its cells and models and start afresh, or choose another --out`);
    await withPathErrors(o.out, 'remove the old run (--force)', async () => {
      for (const name of await fs.readdir(o.out)) {
        if (isRunOutput(name)) await fs.rm(path.join(o.out, name), { recursive: true, force: true });
      }
    });
    o.progress({ type: 'warning', message: `--force: removed the old run in ${o.out} (it differed: ${diff.join('; ')})` });
    previous = null;
  }
  if (o.reportOnly) return;
  const union = <T>(a: T[], b: T[]): T[] => [...new Set([...a, ...b])];
  const inputs: RunInputs = {
    ...o.inputs,
    // Splits of earlier commands stay recorded, so a later command with them is still checked.
    data: [...o.inputs.data, ...(previous?.inputs.data ?? []).filter((s) => !o.inputs.data.some((d) => d.split === s.split))],
  };
  const record: RunRecord = {
    fingerprint: runFingerprint(inputs),
    inputs,
    methods: union(previous?.methods ?? [], o.methods),
    policies: union(previous?.policies ?? [], o.policies),
    sparsities: union(previous?.sparsities ?? [], o.sparsities).sort((a, b) => a - b),
  };
  if (previous === null || canonicalJson(previous) !== canonicalJson(record)) {
    await writeAtomic(file, JSON.stringify(record, null, 2) + '\n');
  }
}
