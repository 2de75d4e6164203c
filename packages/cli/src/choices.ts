/** `speechfold choices [kind]`: the catalogue as text, one line per choice. */
import { OptionError, type Catalogue, type ChoiceKind } from '@speechfold/core';

/** Every choice of `kind` (or of every kind the catalogue holds), name and description, with their options. */
export function formatChoices(catalogue: Catalogue, kind?: string): string {
  const kinds = catalogue.kinds();
  if (kind !== undefined && !(kinds as string[]).includes(kind)) {
    throw new OptionError('kind', `unknown kind '${kind}'; choose one of: ${kinds.join(', ')}`);
  }
  const lines: string[] = [];
  for (const k of kind === undefined ? kinds : [kind as ChoiceKind]) {
    lines.push(`${k}:`);
    for (const choice of catalogue.list(k)) {
      lines.push(`  ${choice.name.padEnd(24)}${choice.description}`);
      for (const [option, text] of Object.entries(choice.options ?? {})) lines.push(`  ${''.padEnd(24)}  ${option}: ${text}`);
    }
  }
  return lines.join('\n') + '\n';
}
