/**
 * Export formats: how a compressed model is written. A format decides whether the tensors keep their
 * original shapes, asks the model's adapter for the matching config.json, and (when it keeps shapes)
 * lays each compressed group out again at the original width. Formats are plugins under
 * TOKENS.ExportFormat, registered by name in the catalogue; 'auto' is a format that picks another.
 */
import { ModelError } from './errors';
import type { FoldGroup } from './groups';
import type { GroupTensors, ModelAdapter, ModelDescription } from './method';

/**
 * The shipped export formats by name (an open vocabulary: a package that adds a format augments this
 * interface, `declare module '@speechfold/core' { interface ExportFormats { mine: true } }`).
 */
export interface ExportFormats {
  /** Stock config fields; stock `from_pretrained` loads it (uniform FFN widths, no folded heads). */
  hf: true;
  /** Per-layer widths under the config's `speechfold` key; speechfold's runtimes load it. */
  extended: true;
  /** Original shapes computing the compressed model's function; any loader runs it, no bytes saved. */
  dense: true;
  /** 'hf' where a stock config can express the result, else 'extended'. */
  auto: true;
}

/** The name of a format: a shipped one or one a package declared. */
export type ExportFormatName = keyof ExportFormats;

/** How a compressed model is written. */
export interface ExportFormat {
  readonly name: string;
  /** One line for --help and the catalogue. */
  readonly description: string;
  /** The written tensors keep the original shapes (so the export saves no bytes). */
  readonly keepsShapes: boolean;
  /** Stock transformers `from_pretrained` can load the result. */
  readonly stockLoadable: boolean;
  /**
   * The format that will actually be written for this model and these kept widths: itself, or for
   * 'auto' the one it picks. Throws ModelError when the format cannot express the result.
   */
  resolve(adapter: ModelAdapter, model: ModelDescription, kept: ReadonlyMap<string, number>): ExportFormat;
  /** config.json of the written model; `kept` holds the widths the written tensors have. */
  config(adapter: ModelAdapter, model: ModelDescription, kept: ReadonlyMap<string, number>): Record<string, unknown>;
  /**
   * For formats that keep shapes: the group laid out again at its original width, computing what the
   * compact tensors compute. `assignment` maps each original unit to its compact unit (-1: removed).
   */
  expand?(group: FoldGroup, compact: GroupTensors, assignment: Int32Array, k: number): GroupTensors;
}

/** A format that writes the adapter's config for its own name and the tensors as they are. */
class AdapterConfigFormat implements ExportFormat {
  readonly keepsShapes = false;
  constructor(
    readonly name: 'hf' | 'extended',
    readonly description: string,
    readonly stockLoadable: boolean,
  ) {}

  resolve(adapter: ModelAdapter, model: ModelDescription, kept: ReadonlyMap<string, number>): ExportFormat {
    this.config(adapter, model, kept); // refuses (ModelError) what this format cannot express, before any work
    return this;
  }

  config(adapter: ModelAdapter, model: ModelDescription, kept: ReadonlyMap<string, number>): Record<string, unknown> {
    return adapter.rewriteConfig(model, new Map(kept), this.name);
  }
}

/** 'hf': stock config fields only. */
export function hfExport(): ExportFormat {
  return new AdapterConfigFormat('hf', 'stock config fields; stock from_pretrained loads it (uniform FFN widths, no folded heads)', true);
}

/** 'extended': per-layer widths under the config's `speechfold` key. */
export function extendedExport(): ExportFormat {
  return new AdapterConfigFormat('extended', "per-layer widths under config.json's speechfold key; speechfold's runtimes load it", false);
}

/** 'auto': the first of `candidates` (default hf, then extended) that can express the result. */
export function autoExport(candidates: readonly ExportFormat[] = [hfExport(), extendedExport()]): ExportFormat {
  return {
    name: 'auto',
    description: `the first of ${candidates.map((c) => c.name).join(', ')} that can express the result`,
    keepsShapes: false,
    stockLoadable: false,
    resolve(adapter, model, kept) {
      let last: unknown = new ModelError({}, 'no export format to choose from');
      for (const candidate of candidates) {
        try {
          return candidate.resolve(adapter, model, kept);
        } catch (error) {
          if (!(error instanceof ModelError)) throw error;
          last = error;
        }
      }
      throw last;
    },
    config(adapter, model, kept) {
      return this.resolve(adapter, model, kept).config(adapter, model, kept);
    },
  };
}
