/**
 * The `speechfold` key of config.json (schema in docs/adapters.md). Stock Hugging Face loaders ignore
 * keys they do not know, so a compressed checkpoint keeps its stock fields at the original values and
 * records here how it was exported and, when layers differ in width, every layer's FFN width and
 * head counts. A runtime reads the per-layer widths from this key; the adapters validate tensors
 * against it.
 */
import { ModelError } from '@speechfold/core';

/** The config.json key speechfold owns. */
export const SPEECHFOLD_KEY = 'speechfold';

/** The schema version this code writes and reads. */
export const SPEECHFOLD_KEY_VERSION = 1;

/** The widths of one layer, as a runtime uses them (camelCase; the JSON form is LayerEntry). */
export interface LayerWidths {
  /** 'encoder' or 'decoder'. */
  stack: string;
  /** Index within the stack. */
  index: number;
  /** FFN units (rows of fc1 / intermediate_dense). */
  ffnDim: number;
  /** Heads of the layer's self-attention. */
  selfAttentionHeads: number;
  /** Heads of the cross-attention (decoder layers of encoder-decoder models only). */
  crossAttentionHeads?: number;
  /** Size of one head (folding never changes it). */
  headDim: number;
}

/** One layer in the key's `layers` list (JSON field names). */
export interface LayerEntry {
  stack: string;
  index: number;
  ffn_dim: number;
  self_attention_heads: number;
  cross_attention_heads?: number;
  /** Only on layers whose head size differs from the key's `head_dim`. */
  head_dim?: number;
}

/** The key's content. `layers` and `head_dim` are present whenever per-layer widths are recorded. */
export interface SpeechfoldKey {
  version: 1;
  /** How the last speechfold run wrote the tensors: folded shapes ('extended') or original ones ('dense'). */
  export: 'extended' | 'dense';
  layers?: LayerEntry[];
  head_dim?: number;
}

function keyError(file: string, field: string, expected: string, value: unknown): ModelError {
  const got = value === undefined ? 'nothing (field missing)' : JSON.stringify(value);
  return new ModelError({ file }, `field '${SPEECHFOLD_KEY}${field}': expected ${expected}, got ${got}`);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function readCount(entry: Record<string, unknown>, file: string, field: string, at: string): number {
  const value = entry[field];
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw keyError(file, `${at}.${field}`, 'an integer >= 1', value);
  }
  return value;
}

function readEntry(value: unknown, file: string, at: string): LayerEntry {
  if (!isObject(value)) throw keyError(file, at, 'an object', value);
  if (typeof value.stack !== 'string' || value.stack === '') {
    throw keyError(file, `${at}.stack`, 'a stack name', value.stack);
  }
  const index = value.index;
  if (typeof index !== 'number' || !Number.isInteger(index) || index < 0) {
    throw keyError(file, `${at}.index`, 'an integer >= 0', index);
  }
  const entry: LayerEntry = {
    stack: value.stack,
    index,
    ffn_dim: readCount(value, file, 'ffn_dim', at),
    self_attention_heads: readCount(value, file, 'self_attention_heads', at),
  };
  if (value.cross_attention_heads !== undefined) {
    entry.cross_attention_heads = readCount(value, file, 'cross_attention_heads', at);
  }
  if (value.head_dim !== undefined) entry.head_dim = readCount(value, file, 'head_dim', at);
  return entry;
}

/** The key of a parsed config.json, checked against the schema; null when the config has none. */
export function readSpeechfoldKey(config: Readonly<Record<string, unknown>>, file: string): SpeechfoldKey | null {
  const raw = config[SPEECHFOLD_KEY];
  if (raw === undefined) return null;
  if (!isObject(raw)) throw keyError(file, '', 'an object', raw);
  if (raw.version !== SPEECHFOLD_KEY_VERSION) {
    throw keyError(file, '.version', `${SPEECHFOLD_KEY_VERSION} (the version this speechfold reads)`, raw.version);
  }
  if (raw.export !== 'extended' && raw.export !== 'dense') {
    throw keyError(file, '.export', "'extended' or 'dense'", raw.export);
  }
  const key: SpeechfoldKey = { version: SPEECHFOLD_KEY_VERSION, export: raw.export };
  // An extended export has folded shapes, which only the per-layer list describes.
  if (raw.layers === undefined && raw.export === 'dense') return key;
  if (!Array.isArray(raw.layers)) throw keyError(file, '.layers', 'a list of layers', raw.layers);
  key.layers = raw.layers.map((entry, i) => readEntry(entry, file, `.layers[${i}]`));
  const headDim = raw.head_dim;
  if (typeof headDim !== 'number' || !Number.isInteger(headDim) || headDim < 1) {
    throw keyError(file, '.head_dim', 'an integer >= 1', headDim);
  }
  key.head_dim = headDim;
  return key;
}

/**
 * The per-layer widths a key records, checked against the model's layer list from its stock fields
 * (`stock`: same stacks, indices, head sizes and cross-attention layers). Throws ModelError naming
 * the key's field that disagrees.
 */
export function widthsFromKey(key: SpeechfoldKey, stock: readonly LayerWidths[], file: string): LayerWidths[] {
  const layers = key.layers;
  if (layers === undefined || key.head_dim === undefined) return stock.map((w) => ({ ...w }));
  if (layers.length !== stock.length) {
    throw keyError(
      file,
      '.layers',
      `${stock.length} layers (as config.json's stock fields give)`,
      `${layers.length} layers`,
    );
  }
  return layers.map((entry, i) => {
    const want = stock[i];
    const at = `.layers[${i}]`;
    if (entry.stack !== want.stack) throw keyError(file, `${at}.stack`, `'${want.stack}'`, entry.stack);
    if (entry.index !== want.index) throw keyError(file, `${at}.index`, `${want.index}`, entry.index);
    const headDim = entry.head_dim ?? key.head_dim;
    if (headDim !== want.headDim) {
      throw keyError(
        file,
        entry.head_dim === undefined ? '.head_dim' : `${at}.head_dim`,
        `${want.headDim} (from the stock fields)`,
        headDim,
      );
    }
    const widths: LayerWidths = {
      stack: want.stack,
      index: want.index,
      ffnDim: entry.ffn_dim,
      selfAttentionHeads: entry.self_attention_heads,
      headDim: want.headDim,
    };
    const hasCross = want.crossAttentionHeads !== undefined;
    if (hasCross !== (entry.cross_attention_heads !== undefined)) {
      const expected = hasCross
        ? 'an integer >= 1 (this layer has cross-attention)'
        : 'nothing (this layer has no cross-attention)';
      throw keyError(file, `${at}.cross_attention_heads`, expected, entry.cross_attention_heads);
    }
    if (entry.cross_attention_heads !== undefined) widths.crossAttentionHeads = entry.cross_attention_heads;
    return widths;
  });
}

/**
 * The key's `layers` and `head_dim` for these widths: `head_dim` is the first layer's, repeated on a
 * layer only where it differs.
 */
export function layerEntries(widths: readonly LayerWidths[]): { layers: LayerEntry[]; head_dim: number } {
  const headDim = widths[0].headDim;
  const layers = widths.map((w) => {
    const entry: LayerEntry = {
      stack: w.stack,
      index: w.index,
      ffn_dim: w.ffnDim,
      self_attention_heads: w.selfAttentionHeads,
    };
    if (w.crossAttentionHeads !== undefined) entry.cross_attention_heads = w.crossAttentionHeads;
    if (w.headDim !== headDim) entry.head_dim = w.headDim;
    return entry;
  });
  return { layers, head_dim: headDim };
}

/** A copy of config.json with the key replaced by `key` (or removed when null); the key goes last. */
export function withSpeechfoldKey(
  config: Readonly<Record<string, unknown>>,
  key: SpeechfoldKey | null,
): Record<string, unknown> {
  const out: Record<string, unknown> = structuredClone({ ...config });
  delete out[SPEECHFOLD_KEY];
  if (key !== null) out[SPEECHFOLD_KEY] = key;
  return out;
}
