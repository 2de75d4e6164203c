/**
 * Typed reads of config.json fields. Each failure is a core ModelError that names the file and the
 * field, so a user with a hand-edited or truncated config sees exactly what to fix.
 */
import { ModelError } from '@speechfold/core';

/** A parsed config.json object. */
export type RawConfig = Readonly<Record<string, unknown>>;

/** Short, bounded description of a JSON value for messages. */
export function describeJson(value: unknown): string {
  if (value === undefined) return 'nothing (field missing)';
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** Throws the ModelError for one bad field. */
export function fieldError(file: string, field: string, expected: string, value: unknown): ModelError {
  return new ModelError({ file }, `field '${field}': expected ${expected}, got ${describeJson(value)}`);
}

/** Reads the parsed config as an object, or fails naming the file. */
export function asRawConfig(config: unknown, file: string): RawConfig {
  if (typeof config !== 'object' || config === null || Array.isArray(config)) {
    throw new ModelError({ file }, `expected a JSON object, got ${describeJson(config)}`);
  }
  return config as RawConfig;
}

/**
 * Sanity limits, checked before anything is allocated from a config number: no size, count or id
 * above 2^24 (real vocabularies are < 300k, widths < 100k), no stack deeper than 1024 layers (real
 * models have < 200). A hand-edited `1e9` is refused instead of exhausting memory.
 */
export const CONFIG_INT_MAX = 1 << 24;
export const CONFIG_LAYERS_MAX = 1024;

/**
 * An integer in [min, max] (max: the sanity limit CONFIG_INT_MAX unless given); `fallback` is used when
 * the field is absent (HF's default), else it is required.
 */
export function readInt(raw: RawConfig, file: string, field: string, min: number, fallback?: number, max = CONFIG_INT_MAX): number {
  const value = raw[field] ?? fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw fieldError(file, field, `an integer >= ${min}`, raw[field]);
  }
  if (value > max) throw fieldError(file, field, `an integer <= ${max} (a sanity limit)`, raw[field]);
  return value;
}

/** A layer count: an integer in [min, CONFIG_LAYERS_MAX]. */
export function readLayerCount(raw: RawConfig, file: string, field: string, min = 1, fallback?: number): number {
  return readInt(raw, file, field, min, fallback, CONFIG_LAYERS_MAX);
}

/** A finite number in [min, max]. */
export function readNumber(
  raw: RawConfig,
  file: string,
  field: string,
  min: number,
  max: number,
  fallback?: number
): number {
  const value = raw[field] ?? fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    throw fieldError(file, field, `a number in [${min}, ${max}]`, raw[field]);
  }
  return value;
}

/** A boolean. */
export function readBool(raw: RawConfig, file: string, field: string, fallback?: boolean): boolean {
  const value = raw[field] ?? fallback;
  if (typeof value !== 'boolean') throw fieldError(file, field, 'true or false', raw[field]);
  return value;
}

/** A non-empty string. */
export function readString(raw: RawConfig, file: string, field: string, fallback?: string): string {
  const value = raw[field] ?? fallback;
  if (typeof value !== 'string' || value === '') throw fieldError(file, field, 'a non-empty string', raw[field]);
  return value;
}

/** One of a fixed set of strings. */
export function readEnum<T extends string>(
  raw: RawConfig,
  file: string,
  field: string,
  choices: readonly T[],
  fallback?: T
): T {
  const value = raw[field] ?? fallback;
  if (typeof value !== 'string' || !(choices as readonly string[]).includes(value)) {
    throw fieldError(file, field, `one of ${choices.map((c) => `'${c}'`).join(', ')}`, raw[field]);
  }
  return value as T;
}

/** A non-empty array of integers >= min (HF stores tuples as JSON arrays). */
export function readIntArray(
  raw: RawConfig,
  file: string,
  field: string,
  min: number,
  fallback?: readonly number[]
): number[] {
  const value = raw[field] ?? fallback;
  if (!Array.isArray(value) || value.length === 0 || !value.every((v) => Number.isInteger(v) && v >= min)) {
    throw fieldError(file, field, `a non-empty array of integers >= ${min}`, raw[field]);
  }
  if (value.length > CONFIG_LAYERS_MAX || value.some((v) => v > CONFIG_INT_MAX)) {
    throw fieldError(file, field, `at most ${CONFIG_LAYERS_MAX} integers <= ${CONFIG_INT_MAX} (a sanity limit)`, raw[field]);
  }
  return [...(value as number[])];
}

/** A non-empty array of non-empty strings. */
export function readStringArray(raw: RawConfig, file: string, field: string): string[] {
  const value = raw[field];
  if (!Array.isArray(value) || value.length === 0 || !value.every((v) => typeof v === 'string' && v !== '')) {
    throw fieldError(file, field, 'a non-empty array of strings', value);
  }
  return [...(value as string[])];
}
