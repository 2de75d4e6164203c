/**
 * Clustering features of a group's units (METHOD.md §2): the feature of unit i is the concatenation
 * of its producer slices (as stored) and its consumer slices (transposed), fp32, not normalised. With
 * Euclidean k-means on these rows, the clustering minimises Model Folding's folding error
 * ||W_l - C W_l||^2 + ||W_{l+1}^T - C W_{l+1}^T||^2.
 */
import { MethodError, type FeatureExtractor, type FoldGroup, type GroupTensors, type Matrix } from '@speechfold/core';
import { injectable } from 'tsyringe';
import { checkFiniteFeatures, producerFeatures } from './probe';
import { checkSlices, readUnit, tensorOf, unitWidth } from './slices';

/** The feature matrix of a group: one row per unit, producer slices then consumer slices in group order. */
export function unitFeatures(group: FoldGroup, tensors: GroupTensors): Matrix {
  checkSlices(group, tensors);
  const slices = [...group.producers, ...group.consumers];
  const widths = slices.map((s) => unitWidth(tensorOf(group, tensors, s.tensor).shape, s));
  const cols = widths.reduce((a, b) => a + b, 0);
  const data = new Float32Array(group.units * cols);

  for (let unit = 0; unit < group.units; unit++) {
    let offset = unit * cols;
    slices.forEach((slice) => {
      const written = readUnit(tensorOf(group, tensors, slice.tensor), slice, unit, data, offset);
      // A NaN or Inf would poison every distance k-means computes; name where it came from instead.
      for (let j = offset; j < offset + written; j++) {
        if (!Number.isFinite(data[j])) {
          throw new MethodError(
            { group: group.name, tensor: slice.tensor },
            `expected finite values, found ${data[j]} in unit ${unit}`,
          );
        }
      }
      offset += written;
    });
  }
  return { data, rows: group.units, cols };
}

/**
 * Producer-only features ('producers'): unit i's producer slices (rows and biases), so units that
 * compute the same activation are at distance 0 whatever their consumers.
 */
@injectable()
export class ProducerFeatureExtractor implements FeatureExtractor {
  readonly name = 'producers';

  features(group: FoldGroup, tensors: GroupTensors): Matrix {
    return checkFiniteFeatures(group, producerFeatures(group, tensors));
  }
}

/** The FeatureExtractor of the method: unitFeatures. */
@injectable()
export class UnitFeatureExtractor implements FeatureExtractor {
  features(group: FoldGroup, tensors: GroupTensors): Matrix {
    return unitFeatures(group, tensors);
  }
}
