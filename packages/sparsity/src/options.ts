/**
 * Checks on the options object a policy receives (parsed from `--policy-file`, or passed from code).
 * Options arrive as untrusted JSON, so every policy validates its own keys and values here and
 * fails with an OptionError naming `--policy-file` and the key, never with a TypeError later.
 */
import { OptionError } from '@speechfold/core';

/** The option every policy-option error names: policy options come from the policy file. */
export const POLICY_FILE_OPTION = '--policy-file';

/** Returns `raw` as a plain object (undefined and null read as `{}`), or throws OptionError. */
export function asOptionsObject(raw: unknown, policy: string): Record<string, unknown> {
  if (raw === undefined || raw === null) return {};
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    throw new OptionError(POLICY_FILE_OPTION, `options of policy '${policy}' must be a JSON object`);
  }
  return raw as Record<string, unknown>;
}

/** Throws OptionError for the first key of `options` that `allowed` does not list. */
export function rejectUnknownKeys(options: Record<string, unknown>, allowed: readonly string[], policy: string): void {
  for (const key of Object.keys(options)) {
    if (!allowed.includes(key)) {
      const expected = allowed.length === 0 ? 'it takes no options' : `expected ${allowed.join(', ')}`;
      throw new OptionError(POLICY_FILE_OPTION, `unknown option '${key}' of policy '${policy}': ${expected}`);
    }
  }
}

/** Reads an optional finite number in [min, max], or throws OptionError naming the key. */
export function readNumber(
  options: Record<string, unknown>,
  key: string,
  fallback: number,
  min: number,
  max: number,
  policy: string,
): number {
  const value = options[key];
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    throw new OptionError(
      POLICY_FILE_OPTION,
      `option '${key}' of policy '${policy}' must be a number in [${min}, ${max}], got ${JSON.stringify(value)}`,
    );
  }
  return value;
}
