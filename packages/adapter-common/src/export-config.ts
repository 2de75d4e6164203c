/**
 * The config.json of a compressed model, for the three export modes (docs/adapters.md):
 * - 'hf': stock fields only, so stock `from_pretrained` loads it. Possible only when every stack's
 *   FFN layers keep one width and no attention block loses heads (stock HF derives the head size
 *   from hidden size / heads, so a folded head count cannot be written there).
 * - 'extended': the original config with the stock fields untouched plus the `speechfold` key
 *   listing every layer's widths.
 * - 'dense': tensors kept their shapes; the config only gains `{version, export: 'dense'}`.
 */
import { MethodError, ModelError, OptionError, type FoldGroup } from '@speechfold/core';
import {
  layerEntries,
  withSpeechfoldKey,
  type LayerWidths,
  type SpeechfoldKey,
  SPEECHFOLD_KEY_VERSION,
} from './export-key';

/** The export modes, as `--export` takes them. */
export const EXPORT_MODES = ['hf', 'extended', 'dense'] as const;

/** One export mode. */
export type ExportMode = (typeof EXPORT_MODES)[number];

/** Checks an export mode, naming `--export` and the choices when it is unknown. */
export function parseExportMode(mode: string): ExportMode {
  if ((EXPORT_MODES as readonly string[]).includes(mode)) return mode as ExportMode;
  throw new OptionError('--export', `unknown export mode '${mode}'; choose one of: ${EXPORT_MODES.join(', ')}`);
}

/** The fold groups that carry one layer's widths (cross-attention only where the layer has it). */
export interface LayerGroupNames {
  ffn: string;
  selfAttention: string;
  crossAttention?: string;
}

/**
 * Each layer's widths in the model's tensors (`groups` hold the unit counts read from the shapes),
 * and after compression (`kept` replaces the count of each group it names). Throws MethodError for a
 * kept entry naming no group of the model or outside [1, N]: that is a bug upstream, and writing a
 * config from it would describe tensors that do not exist.
 */
export function widthsBeforeAndAfter(
  layers: readonly LayerWidths[],
  groups: readonly FoldGroup[],
  kept: ReadonlyMap<string, number>,
  namesOf: (layer: LayerWidths) => LayerGroupNames,
): { before: LayerWidths[]; after: LayerWidths[] } {
  const units = new Map(groups.map((g) => [g.name, g.units]));
  for (const [name, k] of kept) {
    const n = units.get(name);
    if (n === undefined) throw new MethodError({ group: name }, 'units kept for a group this model does not have');
    if (!Number.isInteger(k) || k < 1 || k > n) {
      throw new MethodError({ group: name }, `expected kept units an integer in [1, ${n}], found ${k}`);
    }
  }
  const count = (name: string, useKept: boolean): number => {
    const n = units.get(name);
    if (n === undefined) throw new MethodError({ group: name }, 'the adapter listed no such group');
    return useKept ? kept.get(name) ?? n : n;
  };
  const widths = (useKept: boolean): LayerWidths[] =>
    layers.map((layer) => {
      const names = namesOf(layer);
      const w: LayerWidths = {
        ...layer,
        ffnDim: count(names.ffn, useKept),
        selfAttentionHeads: count(names.selfAttention, useKept),
      };
      if (names.crossAttention !== undefined) w.crossAttentionHeads = count(names.crossAttention, useKept);
      return w;
    });
  return { before: widths(false), after: widths(true) };
}

/** What exportConfig needs to know about the model. */
export interface ExportInput {
  /** The input config.json (possibly already carrying a `speechfold` key). */
  config: Readonly<Record<string, unknown>>;
  /** The widths the stock fields state (what stock HF would build). */
  stock: readonly LayerWidths[];
  /** The widths of the input tensors. */
  before: readonly LayerWidths[];
  /** The widths after compression. */
  after: readonly LayerWidths[];
  /** The stock field holding each stack's FFN width, e.g. { encoder: 'intermediate_size' }. */
  ffnField: Readonly<Record<string, string>>;
}

function sameWidths(a: readonly LayerWidths[], b: readonly LayerWidths[]): boolean {
  return a.every(
    (w, i) =>
      w.ffnDim === b[i].ffnDim &&
      w.selfAttentionHeads === b[i].selfAttentionHeads &&
      w.crossAttentionHeads === b[i].crossAttentionHeads,
  );
}

function notExpressible(what: string): ModelError {
  return new ModelError(
    { option: '--export' },
    `a stock Hugging Face config cannot express ${what}; use --export extended (per-layer widths in ` +
      'config.json) or --export dense (original shapes)',
  );
}

/**
 * The stock config with each stack's FFN width updated; ModelError (option --export) when the stock
 * fields cannot say what the tensors hold.
 */
function hfConfig(input: ExportInput): Record<string, unknown> {
  const fields: Record<string, number> = {};
  input.after.forEach((w, i) => {
    const stock = input.stock[i];
    const where = `${w.stack} layer ${w.index}`;
    if (w.selfAttentionHeads !== stock.selfAttentionHeads) {
      throw notExpressible(`${where} with ${w.selfAttentionHeads} of ${stock.selfAttentionHeads} self-attention heads`);
    }
    if (w.crossAttentionHeads !== stock.crossAttentionHeads) {
      throw notExpressible(
        `${where} with ${w.crossAttentionHeads} of ${stock.crossAttentionHeads} cross-attention heads`,
      );
    }
    const field = input.ffnField[w.stack];
    if (field === undefined) throw new MethodError({}, `no FFN width field for stack '${w.stack}'`);
    const first = fields[field];
    if (first !== undefined && first !== w.ffnDim) {
      throw notExpressible(
        `${w.stack} FFN widths that differ between layers (${first} and ${w.ffnDim} at layer ${w.index})`,
      );
    }
    fields[field] = w.ffnDim;
  });
  return { ...withSpeechfoldKey(input.config, null), ...fields };
}

/** The config.json of the compressed model in `mode` ('hf', 'extended' or 'dense'). */
export function exportConfig(input: ExportInput, mode: string): Record<string, unknown> {
  const exportMode = parseExportMode(mode);
  if (exportMode === 'hf') return hfConfig(input);
  if (exportMode === 'extended') {
    const key: SpeechfoldKey = { version: SPEECHFOLD_KEY_VERSION, export: 'extended', ...layerEntries(input.after) };
    return withSpeechfoldKey(input.config, key);
  }
  // Dense tensors keep the input's shapes: those are the stock ones unless the input was itself an
  // extended export, whose per-layer widths must then stay recorded.
  const key: SpeechfoldKey = { version: SPEECHFOLD_KEY_VERSION, export: 'dense' };
  if (!sameWidths(input.before, input.stock)) Object.assign(key, layerEntries(input.before));
  return withSpeechfoldKey(input.config, key);
}
