/**
 * Fold groups: a set of N interchangeable units in one block (FFN neurons, attention heads, head-dim
 * channels). Each unit owns a slice of some tensors along one axis: producer slices compute it,
 * consumer slices read it. Merging or deleting units touches only these slices, so one merger and
 * one pruner serve every kind of group.
 */

/**
 * The kinds of group the adapters build (METHOD.md §1), by name. An open vocabulary: a package whose
 * adapter builds another kind augments this interface,
 * `declare module '@speechfold/core' { interface GroupKinds { channels: true } }`.
 */
export interface GroupKinds {
  /** The neurons of a feed-forward block (fc1 rows, fc2 columns). */
  ffn: true;
  /** The heads of an attention block (q/k/v rows of a head, its out_proj columns). */
  heads: true;
}

/** The kind of a group: a shipped one or one a package declared. */
export type GroupKind = keyof GroupKinds;

/**
 * Unit i of a group occupies indices [start + i*unitSize, start + (i+1)*unitSize) of `tensor`
 * along `axis`. FFN neurons: unitSize 1; heads: unitSize = head dim.
 */
export interface UnitSlice {
  tensor: string;
  axis: number;
  start: number;
  unitSize: number;
}

/**
 * What a group computes, for data-free probes (optional; FFN groups of the shipped adapters): the
 * producers read the output of a LayerNorm with these weight and bias tensors, the units pass
 * through `activation`, and the consumers' outputs get `outputBias` added. The producers must be one
 * weight (rows = units) and optionally one bias. With it, the probe features and the bias
 * correction (METHOD.md §3) can model the group as activation(LayerNorm(x) W1^T + b1) W2^T + b2.
 */
export interface GroupResponse {
  /** The LayerNorm whose output the producers read. */
  norm: { weight: string; bias: string };
  activation: 'gelu' | 'relu';
  /** The bias after the consumers (one value per output channel); the group owns and may rewrite it. */
  outputBias: string;
}

/** One foldable set of units. */
export interface FoldGroup {
  /** Unique and readable, e.g. 'encoder.layers.3.ffn'. */
  name: string;
  kind: GroupKind;
  /** Depth index used by schedule / explicit policies (decoder layers follow encoder layers). */
  layer: number;
  /** Which stack the layer is in ('encoder', 'decoder', ...), for reports and explicit tables. */
  stack: string;
  /** Number of units N. */
  units: number;
  /** Slices that compute each unit: merged by cluster mean. */
  producers: UnitSlice[];
  /** Slices that read each unit: merged by cluster sum. */
  consumers: UnitSlice[];
  /** What the group computes, where the adapter knows it (probe features, bias correction). */
  response?: GroupResponse;
}

/** Every tensor the pipeline reads for a group: its slices' tensors, then its response's. */
export function groupTensorNames(group: FoldGroup): string[] {
  const names = [...group.producers, ...group.consumers].map((s) => s.tensor);
  if (group.response) names.push(group.response.norm.weight, group.response.norm.bias, group.response.outputBias);
  return [...new Set(names)];
}

/** The tensors a group rewrites and so owns: its slices' tensors and its response's output bias. */
export function ownedTensorNames(group: FoldGroup): string[] {
  const names = [...group.producers, ...group.consumers].map((s) => s.tensor);
  if (group.response) names.push(group.response.outputBias);
  return [...new Set(names)];
}

/** Parameters that one unit of a group owns (what removing one unit saves). */
export function parametersPerUnit(group: FoldGroup, shapeOf: (tensor: string) => readonly number[]): number {
  let total = 0;
  for (const s of [...group.producers, ...group.consumers]) {
    const shape = shapeOf(s.tensor);
    let other = 1;
    shape.forEach((d, axis) => {
      if (axis !== s.axis) other *= d;
    });
    total += other * s.unitSize;
  }
  return total;
}
