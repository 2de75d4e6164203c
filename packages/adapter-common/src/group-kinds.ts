import { OptionError } from '@speechfold/core';

/** The requested group kinds, checked against what an adapter offers: an unknown one is an OptionError naming --groups and the choices. */
export function parseGroupKinds<K extends string>(kinds: readonly string[], offered: readonly K[], modelType: string): Set<K> {
  for (const kind of kinds) {
    if (!(offered as readonly string[]).includes(kind)) {
      throw new OptionError('--groups', `unknown group kind '${kind}' for ${modelType} models; this adapter offers: ${offered.join(', ')}`);
    }
  }
  return new Set(kinds as readonly K[]);
}
