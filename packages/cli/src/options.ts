/**
 * Parsing of the option values commander hands over as strings: every command's numbers, lists and
 * switches, each refused as a one-line OptionError naming the option and the value typed.
 */
import { OptionError } from '@speechfold/core';

/** A comma-separated list, items trimmed, empty items dropped. */
export function list(value: string): string[] {
  return value.split(',').map((s) => s.trim()).filter(Boolean);
}

/** A finite number; undefined when the option was not given. */
export function parseNumber(option: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const x = Number(value);
  if (value.trim() === '' || !Number.isFinite(x)) throw new OptionError(option, `expected a number, got '${value}'`);
  return x;
}

/** An integer >= 1; undefined when the option was not given. */
export function positiveInt(option: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const x = Number(value);
  if (!Number.isSafeInteger(x) || x < 1) throw new OptionError(option, `expected a positive integer, got '${value}'`);
  return x;
}

/** An integer >= 0 (e.g. a seed). */
export function nonNegativeInt(option: string, value: string): number {
  const x = Number(value);
  if (!Number.isSafeInteger(x) || x < 0) throw new OptionError(option, `expected a non-negative integer, got '${value}'`);
  return x;
}

/** --cap: 'auto' or an integer >= 2. */
export function parseCap(value: string): number | 'auto' {
  if (value === 'auto') return 'auto';
  const n = Number(value);
  if (value.trim() === '' || !Number.isInteger(n) || n < 2) throw new OptionError('--cap', `expected 'auto' or an integer >= 2, got '${value}'`);
  return n;
}

/** An on|off switch (e.g. --bias-correction). */
export function parseSwitch(option: string, value: string): boolean {
  if (value === 'on') return true;
  if (value === 'off') return false;
  throw new OptionError(option, `expected on or off, got '${value}'`);
}
