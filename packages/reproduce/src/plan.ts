/** The cells of a reproduction: the baseline and every method x policy x sparsity, each on every split. */
import { methodFoldSettings, pipelineMethod, type FoldSettings, type MethodName } from '@speechfold/presets';
import type { PolicyName } from '@speechfold/sparsity';

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
 * Everything a variant is compressed with besides the model, seed and groups: the method's pipeline
 * step, folding settings and magnitude norm, the policy and the export mode. compressVariant passes exactly
 * these, and they are part of the variant's fingerprint (fingerprint.ts). Null for the baseline.
 */
export interface VariantSettings {
  method: MethodName;
  pipeline: 'fold' | 'prune';
  /** The folding recipe's settings (null for the pruning methods, which ignore them). */
  fold: FoldSettings | null;
  norm: 'l2';
  policy: PolicyName;
  /** Policy options: none, the policies' defaults. */
  policyOptions: null;
  sparsity: number;
  exportMode: 'auto';
}

/** The settings `variant` is compressed with, or null for the baseline. */
export function variantSettings(variant: Variant): VariantSettings | null {
  if (variant.method === 'baseline') return null;
  const method = variant.method as MethodName;
  const pipeline = pipelineMethod(method);
  return {
    method,
    pipeline,
    fold: pipeline === 'fold' ? methodFoldSettings(method) : null,
    norm: 'l2',
    policy: variant.policy as PolicyName,
    policyOptions: null,
    sparsity: variant.sparsity,
    exportMode: 'auto',
  };
}
