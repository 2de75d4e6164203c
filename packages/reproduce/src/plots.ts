import type { ReproduceResult } from './types';
import { lineChart, type Series } from './svg';

/** The SVG files of a reproduction: WER against sparsity per set, and kept FFN width per layer. */
export function renderPlots(r: ReproduceResult): Record<string, string> {
  const files: Record<string, string> = {};
  const splits = [...new Set(r.cells.map((c) => c.split))];
  const lines = [...new Set(r.cells.filter((c) => c.method !== 'baseline').map((c) => `${c.method} ${c.policy}`))];
  for (const split of splits) {
    const base = r.cells.find((c) => c.variant === 'baseline' && c.split === split);
    const series: Series[] = lines.map((label) => ({
      label,
      points: [
        ...(base ? [{ x: 0, y: 100 * base.wer }] : []),
        ...r.cells
          .filter((c) => c.split === split && `${c.method} ${c.policy}` === label)
          .map((c) => ({ x: 100 * c.sparsity, y: 100 * c.wer })),
      ],
    }));
    files[`wer-${split}.svg`] = lineChart({
      title: `WER on ${split}${r.syntheticWeights ? ' (random weights)' : ''}`,
      xLabel: 'sparsity of the targeted groups (%)',
      yLabel: 'WER (%)',
      series,
    });
  }
  // One method is enough: every method of a policy gets the same K per group.
  const method = r.cells.find((c) => c.method !== 'baseline')?.method;
  const widthSeries: Series[] = r.widths
    .filter((w) => r.cells.some((c) => c.variant === w.variant && c.method === method))
    .map((w) => ({
      label: `${w.policy} ${Math.round(100 * w.sparsity)}%`,
      points: w.groups.filter((g) => g.kind === 'ffn').map((g, i) => ({ x: i, y: (100 * g.k) / g.n })),
    }));
  if (widthSeries.length > 0) {
    files['widths.svg'] = lineChart({
      title: 'Kept FFN width per layer',
      xLabel: 'FFN group (encoder layers, then decoder layers)',
      yLabel: 'units kept (%)',
      series: widthSeries,
    });
  }
  return files;
}
