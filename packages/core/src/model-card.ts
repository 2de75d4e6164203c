/**
 * The model card: README.md of a compressed model dir, written by ModelDirCompressor into the partial
 * dir so that it lands atomically with the model. It says where the model came from, how it was
 * compressed (the full run spec), what changed, which loaders can read its export and how to load it.
 * Deterministic: the same run gives the same card (no dates, no absolute paths beyond those given).
 */
import path from 'node:path';
import type { CompressionResult, RunOptions } from './pipeline';

/** Where the source model's own README.md is kept in the output (the card takes README.md). */
export const SOURCE_README = 'README.source.md';

/** What the card is made of. */
export interface ModelCardFacts {
  /** The source model dir and the output dir, as given. */
  input: string;
  output: string;
  /** The source model's config.json. */
  config: Record<string, unknown>;
  result: CompressionResult;
  run: RunOptions;
  /** The run spec (presets' CompressionSpec), or null when the container holds none. */
  spec: Readonly<Record<string, unknown>> | null;
  /** Versions of what made it, e.g. { speechfold: '0.3.0', node: 'v20.19.0' }. */
  versions: Readonly<Record<string, string>>;
  /** The name the source's README.md was copied under (SOURCE_README...), or null when it had none. */
  sourceReadme: string | null;
  /** The source is a synthetic checkpoint (random weights). */
  synthetic: boolean;
}

const n = (x: number): string => x.toLocaleString('en-US');
const pct = (x: number): string => `${(100 * x).toFixed(2)}%`;

/** `text` as a shell word (single-quoted unless it is plain). */
function shellWord(text: string): string {
  return /^[\w./@%+=:,-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}

/** Who can read an export, in one sentence. */
export function exportLoaders(format: CompressionResult['exportFormat']): string {
  if (format === null) return 'no export format was registered: the config.json is the source model\'s.';
  if (format.stockLoadable && format.keepsShapes) {
    return 'any loader of the source architecture: stock transformers `from_pretrained` (the original shapes and config fields) and speechfold\'s runtimes. It saves no bytes.';
  }
  if (format.stockLoadable) {
    return 'stock transformers `from_pretrained` (the new widths are in the stock config fields) and speechfold\'s runtimes.';
  }
  return (
    "speechfold's runtimes only (`speechfold eval`, `@speechfold/evaluate`): the per-layer widths are under config.json's " +
    '`speechfold` key, which stock transformers ignores, so its `from_pretrained` fails on the tensor shapes. ' +
    'Compress again with `--export dense` for a checkpoint stock loaders run (original shapes, no bytes saved).'
  );
}

/** The markdown of the card. */
export function renderModelCard(f: ModelCardFacts): string {
  const { result: r, config } = f;
  const modelType = typeof config.model_type === 'string' ? config.model_type : 'unknown';
  const architectures = Array.isArray(config.architectures) ? config.architectures.filter((a): a is string => typeof a === 'string') : [];
  const method = typeof f.spec?.method === 'string' ? f.spec.method : f.run.method;
  const policy = typeof f.spec?.policy === 'string' ? f.spec.policy : null;
  const format = r.exportFormat;
  const made = Object.entries(f.versions).map(([k, v]) => `${k} ${v}`).join(', ');
  const lines: string[] = [];
  const add = (...more: string[]): void => void lines.push(...more);

  add(`# ${path.basename(path.resolve(f.output))}`, '');
  add(
    `A compressed copy of \`${f.input}\` (model_type \`${modelType}\`${architectures.length > 0 ? `, ${architectures.map((a) => `\`${a}\``).join(', ')}` : ''}), ` +
      `made by speechfold (${made}) with no data and no training: method \`${method}\`${policy ? `, policy \`${policy}\`` : ''}, ` +
      `asked to remove ${pct(f.run.sparsity)} of the ${f.run.kinds.join(' and ')} parameters.`,
    '',
  );
  if (f.synthetic) {
    add('> **Synthetic weights.** The source is a speechfold synthetic checkpoint (`speechfold-synthetic.json`): its weights are seeded random numbers, so this model transcribes nothing and any WER measured on it is meaningless.', '');
  }
  if (f.sourceReadme !== null) {
    add(`The source model's own README.md is kept unchanged as [\`${f.sourceReadme}\`](${f.sourceReadme}); its license and terms apply to this model too.`, '');
  }
  if (r.warnings.length > 0) {
    add('## Warnings', '', ...r.warnings.map((w) => `- ${w}`), '');
  }

  add('## Result', '', '| | before | after |', '|---|---|---|');
  add(`| parameters | ${n(r.parameters.before)} | ${n(r.parameters.after)} |`);
  add(`| targeted parameters (${f.run.kinds.join(', ')}) | ${n(r.parameters.targetedBefore)} | ${n(r.parameters.targetedAfter)} |`, '');
  add(
    `Sparsity: ${pct(f.run.sparsity)} requested, ${pct(r.sparsity.targeted)} of the targeted parameters removed, ${pct(r.sparsity.overall)} of the whole model` +
      (r.shapesKept ? ' (the shapes are kept, so the counts above do not change and no bytes are saved).' : '.'),
    '',
  );
  const kinds = [...new Set(r.groups.map((g) => g.kind))];
  for (const kind of kinds) {
    const groups = r.groups.filter((g) => g.kind === kind);
    const range = (xs: number[]): string => (Math.min(...xs) === Math.max(...xs) ? String(xs[0]) : `${Math.min(...xs)}-${Math.max(...xs)}`);
    add(`- ${kind}: ${groups.length} group${groups.length === 1 ? '' : 's'}, ${range(groups.map((g) => g.n))} -> ${range(groups.map((g) => g.k))} units`);
  }
  if (r.groups.length > 0) {
    add('', '<details><summary>Units kept per group</summary>', '', '| group | N | K |', '|---|---|---|');
    for (const g of r.groups) add(`| ${g.name} | ${g.n} | ${g.k} |`);
    add('', '</details>');
  }
  add('');

  add('## How it was compressed', '');
  if (f.spec !== null) {
    add('The complete run spec. Saved as a file and passed back, it repeats the run:', '');
    add('```json', JSON.stringify(f.spec, null, 2), '```', '');
    add('```sh', `npx speechfold compress ${shellWord(f.input)} --out ${shellWord(f.output)} --spec spec.json`, '```', '');
  } else {
    add('The pipeline options (no run spec was registered):', '');
    add('```json', JSON.stringify(f.run, null, 2), '```', '');
  }

  add('## Loading it', '');
  add(`Export format: \`${format?.name ?? 'none'}\`${format ? ` (${format.description})` : ''}. Loads in ${exportLoaders(format)}`, '');
  const cls = architectures[0] ?? 'AutoModel';
  if (format?.stockLoadable) {
    add('```python', `from transformers import AutoProcessor, ${cls}`, '', `model = ${cls}.from_pretrained(${JSON.stringify(f.output)})`);
    add(`processor = AutoProcessor.from_pretrained(${JSON.stringify(f.output)})`, '```', '');
  }
  add('With speechfold (Node):', '', '```sh', `npx speechfold inspect ${shellWord(f.output)}`);
  add(`npx speechfold eval ${shellWord(f.output)} --data LibriSpeech/test-clean`, '```', '');
  return lines.join('\n');
}
