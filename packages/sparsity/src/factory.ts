/**
 * Policies by name: what the CLI's `--policy <name>` and `--policy-file <options.json>` resolve to.
 */
import { OptionError, type SparsityPolicy } from '@speechfold/core';
import { ExplicitPolicy, type ExplicitOptions } from './explicit';
import { MixedPolicy, type MixedOptions } from './mixed';
import { asOptionsObject, rejectUnknownKeys } from './options';
import { SchedulePolicy, type ScheduleOptions } from './schedule';
import { UniformPolicy } from './uniform';

/** Every policy name, in the order the docs present them. */
export const POLICIES = ['uniform', 'explicit', 'schedule', 'mixed'] as const;

/** A policy name. */
export type PolicyName = (typeof POLICIES)[number];

/** True when `name` is one of POLICIES. */
export function isPolicyName(name: string): name is PolicyName {
  return (POLICIES as readonly string[]).includes(name);
}

/** Creates a policy by name with its options (the parsed policy file); throws OptionError on bad input. */
export function createPolicy(name: string, options?: unknown): SparsityPolicy {
  switch (name) {
    case 'uniform':
      rejectUnknownKeys(asOptionsObject(options, 'uniform'), [], 'uniform');
      return new UniformPolicy();
    // The constructors validate the untrusted options themselves, so the casts only satisfy the types.
    case 'explicit':
      return new ExplicitPolicy(asOptionsObject(options, 'explicit') as ExplicitOptions);
    case 'schedule':
      return new SchedulePolicy(asOptionsObject(options, 'schedule') as ScheduleOptions);
    case 'mixed':
      return new MixedPolicy(asOptionsObject(options, 'mixed') as MixedOptions);
    default:
      throw new OptionError('--policy', `unknown policy '${name}': expected one of ${POLICIES.join(', ')}`);
  }
}
