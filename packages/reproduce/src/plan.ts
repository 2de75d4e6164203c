/** The cells of a reproduction: the baseline and every method x policy x sparsity, each on every split. */
import { resolveSpec, type CompressionSpec } from '@speechfold/presets';

/** One compressed configuration (or the uncompressed baseline). */
export interface Variant {
  /** Stable id, also the folder name: 'baseline' or e.g. 'kmeans-uniform-0.10'. */
  id: string;
  method: 'baseline' | string;
  policy: string | null;
  sparsity: number;
}

/** All variants, baseline first, in a fixed order (sparsity, then method, then policy). */
export function planVariants(methods: readonly string[], policies: readonly string[], sparsities: readonly number[]): Variant[] {
  const variants: Variant[] = [{ id: 'baseline', method: 'baseline', policy: null, sparsity: 0 }];
  for (const sparsity of [...sparsities].sort((a, b) => a - b)) {
    for (const method of methods) {
      for (const policy of policies) {
        variants.push({ id: `${method}-${policy}-${sparsity.toFixed(2)}`, method, policy, sparsity });
      }
    }
  }
  return variants;
}

/** A split's short name: the data path's last folder (e.g. 'test-clean'). */
export function splitName(data: string): string {
  return data.replace(/[\\/]+$/, '').split(/[\\/]/).pop() ?? data;
}

/**
 * The run spec a variant is compressed with besides the model, seed and groups (those are the run's):
 * its method (with the method's recipe filled in), policy, sparsity, export 'auto'. compressVariant
 * passes exactly this, and it is part of the variant's fingerprint (fingerprint.ts). Null for the baseline.
 */
export function variantSettings(variant: Variant): CompressionSpec | null {
  if (variant.method === 'baseline') return null;
  return resolveSpec({ method: variant.method, policy: variant.policy ?? undefined, sparsity: variant.sparsity, export: 'auto' });
}
