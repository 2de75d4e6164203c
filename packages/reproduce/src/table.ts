import type { CellResult, ReproduceResult } from './types';

const pct = (x: number): string => (100 * x).toFixed(2);

function millions(n: number): string {
  return `${(n / 1e6).toFixed(2)} M`;
}

/** table.md: method x sparsity x set, with WER, change against the baseline, and parameters. */
export function renderTable(r: ReproduceResult): string {
  const splits = [...new Set(r.cells.map((c) => c.split))];
  const variants = [...new Set(r.cells.map((c) => c.variant))];
  const cell = (variant: string, split: string): CellResult | undefined =>
    r.cells.find((c) => c.variant === variant && c.split === split);
  const lines: string[] = [
    `# speechfold reproduce: ${r.model}`,
    '',
    r.syntheticWeights
      ? '**The weights are random (a synthetic checkpoint): these WERs say nothing about the method.**'
      : 'Weights: as loaded (no synthetic-checkpoint marker, speechfold-synthetic.json, in the model dir).',
    '',
    `Groups: ${r.kinds.join(', ')}; seed ${r.seed}` +
      (r.limit !== null ? `; first ${r.limit} utterances per set` : '') +
      (r.maxNewTokens !== null ? `; at most ${r.maxNewTokens} new tokens per utterance` : '') +
      '. WER in %, change in absolute points against the uncompressed model.',
    '',
  ];
  if (r.command) lines.push('```sh', r.command, '```', '');
  const header = ['method', 'policy', 'sparsity', 'parameters', ...splits.flatMap((s) => [`${s} WER`, `${s} change`])];
  lines.push(`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`);
  for (const variant of variants) {
    const first = r.cells.find((c) => c.variant === variant)!;
    const row = [
      first.method,
      first.policy ?? '-',
      first.method === 'baseline' ? '0' : `${Math.round(first.sparsity * 100)}%`,
      millions(first.parameters),
    ];
    for (const split of splits) {
      const c = cell(variant, split);
      const base = cell('baseline', split);
      row.push(c ? pct(c.wer) : '-');
      row.push(c && base && variant !== 'baseline' ? `${c.wer >= base.wer ? '+' : ''}${pct(c.wer - base.wer)}` : '-');
    }
    lines.push(`| ${row.join(' | ')} |`);
  }
  const skipped = r.cells.filter((c) => c.skipped > 0);
  lines.push('');
  const counts = splits.map((s) => `${s}: ${cell('baseline', s)?.utterances ?? '?'} utterances, ${cell('baseline', s)?.words ?? '?'} words`);
  lines.push(`Sets: ${counts.join('; ')}.` + (skipped.length > 0 ? ` Some cells skipped utterances: ${skipped.map((c) => `${c.variant}/${c.split} (${c.skipped})`).join(', ')}.` : ''));
  if (r.missing.length > 0) lines.push('', `Not computed: ${r.missing.join(', ')}.`);
  return lines.join('\n') + '\n';
}
