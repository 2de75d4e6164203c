/**
 * Fold groups: a set of N interchangeable units in one block (FFN neurons, attention heads, head-dim
 * channels). Each unit owns a slice of some tensors along one axis: producer slices compute it,
 * consumer slices read it. Merging or deleting units touches only these slices, so one merger and
 * one pruner serve every kind of group.
 */

/** The kinds of group the method knows (METHOD.md §1). */
export type GroupKind = 'ffn' | 'heads' | 'qk' | 'vo';

/**
 * Unit i of a group occupies indices [start + i*unitSize, start + (i+1)*unitSize) of `tensor`
 * along `axis`. FFN neurons: unitSize 1; heads: unitSize = head dim; qk/vo channels of head h:
 * start = h * headDim, unitSize 1.
 */
export interface UnitSlice {
  tensor: string;
  axis: number;
  start: number;
  unitSize: number;
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
