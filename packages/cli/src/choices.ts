/** `speechfold choices [kind]`: the catalogue as text, one line per choice. */
import { OptionError, type Catalogue, type ChoiceKind } from '@speechfold/core';

const KINDS: readonly ChoiceKind[] = ['method', 'clusterer', 'features', 'pruner', 'scorer', 'policy', 'export', 'engine'];

/** Every choice of `kind` (or of every kind), name and description, with their options. */
export function formatChoices(catalogue: Catalogue, kind?: string): string {
  if (kind !== undefined && !(KINDS as readonly string[]).includes(kind)) {
    throw new OptionError('kind', `unknown kind '${kind}'; choose one of: ${KINDS.join(', ')}`);
  }
  const lines: string[] = [];
  for (const k of kind === undefined ? KINDS : [kind as ChoiceKind]) {
    lines.push(`${k}:`);
    for (const choice of catalogue.list(k)) {
      lines.push(`  ${choice.name.padEnd(24)}${choice.description}`);
      for (const [option, text] of Object.entries(choice.options ?? {})) lines.push(`  ${''.padEnd(24)}  ${option}: ${text}`);
    }
  }
  return lines.join('\n') + '\n';
}
