/**
 * The schemas of the JSON files a resumed run reads back: cells/<variant>__<split>.json and
 * models/<variant>.json. Anything read from disk is checked here before it is used; a file that fails
 * is reported by the caller (named, with the first problem found) and recomputed.
 */
import type { CellResult, VariantWidths } from './types';

/** A cell file: the cell, the fingerprint of what produced it, and the per-utterance hypotheses. */
export interface StoredCell extends CellResult {
  fingerprint: string;
}

/** A compressed variant's saved report (models/<id>.json), written after its dir is complete. */
export interface VariantReport {
  parameters: number;
  groups: VariantWidths['groups'];
  fingerprint: string;
}

/** The outcome of a check: the typed value, or the first problem found. */
export type Checked<T> = { ok: true; value: T } | { ok: false; problem: string };

const FINGERPRINT = /^[0-9a-f]{64}$/;

type Field = (value: unknown) => string | null;

const show = (value: unknown): string => (value === undefined ? 'nothing' : JSON.stringify(value) ?? String(value));

const string: Field = (v) => (typeof v === 'string' ? null : `expected a string, got ${show(v)}`);
const nullableString: Field = (v) => (v === null || typeof v === 'string' ? null : `expected a string or null, got ${show(v)}`);
const count: Field = (v) => (Number.isSafeInteger(v) && (v as number) >= 0 ? null : `expected an integer >= 0, got ${show(v)}`);
const positiveCount: Field = (v) => (Number.isSafeInteger(v) && (v as number) >= 1 ? null : `expected an integer >= 1, got ${show(v)}`);
const nonNegative: Field = (v) =>
  typeof v === 'number' && Number.isFinite(v) && v >= 0 ? null : `expected a finite number >= 0, got ${show(v)}`;
const sparsity: Field = (v) =>
  typeof v === 'number' && v >= 0 && v < 1 ? null : `expected a number in [0, 1), got ${show(v)}`;
const fingerprint: Field = (v) => (typeof v === 'string' && FINGERPRINT.test(v) ? null : `expected a sha256 hex fingerprint, got ${show(v)}`);
const equal =
  (expected: unknown): Field =>
  (v) =>
    v === expected ? null : `expected ${show(expected)}, got ${show(v)}`;

/** Checks the listed fields of an object; the first failure names the field. */
function checkFields(value: unknown, fields: Record<string, Field>): string | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return `expected a JSON object, got ${show(value)}`;
  const record = value as Record<string, unknown>;
  for (const [name, check] of Object.entries(fields)) {
    const problem = check(record[name]);
    if (problem !== null) return `field '${name}': ${problem}`;
  }
  return null;
}

/**
 * Checks a cell file's JSON: every CellResult field with its type (wer, seconds finite and >= 0; counts
 * integers >= 0), the variant and split it must belong to, and its fingerprint equal to `expectedFingerprint`.
 */
export function checkCell(value: unknown, expected: { variant: string; split: string; fingerprint: string }): Checked<StoredCell> {
  const problem = checkFields(value, {
    variant: equal(expected.variant),
    method: string,
    policy: nullableString,
    sparsity,
    split: equal(expected.split),
    wer: nonNegative,
    words: count,
    substitutions: count,
    deletions: count,
    insertions: count,
    utterances: count,
    skipped: count,
    parameters: positiveCount,
    seconds: nonNegative,
    fingerprint,
  });
  if (problem !== null) return { ok: false, problem };
  const cell = value as StoredCell;
  if (cell.fingerprint !== expected.fingerprint) {
    return { ok: false, problem: 'was computed from other inputs (its fingerprint differs from this run\'s)' };
  }
  return { ok: true, value: cell };
}

/** Checks a model report's JSON: parameters, every group's name, kind, n and k (1 <= k <= n), and its fingerprint. */
export function checkVariantReport(value: unknown, expectedFingerprint: string): Checked<VariantReport> {
  const problem = checkFields(value, {
    parameters: positiveCount,
    groups: (v) => (Array.isArray(v) ? null : `expected an array, got ${show(v)}`),
    fingerprint,
  });
  if (problem !== null) return { ok: false, problem };
  const report = value as VariantReport;
  for (const [i, group] of report.groups.entries()) {
    const groupProblem = checkFields(group, { name: string, kind: string, n: positiveCount, k: positiveCount });
    if (groupProblem !== null) return { ok: false, problem: `groups[${i}]: ${groupProblem}` };
    if (group.k > group.n) return { ok: false, problem: `groups[${i}]: k ${group.k} is larger than n ${group.n}` };
  }
  if (report.fingerprint !== expectedFingerprint) {
    return { ok: false, problem: 'was compressed from other inputs (its fingerprint differs from this run\'s)' };
  }
  return { ok: true, value: report };
}
