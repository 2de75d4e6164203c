import { ModelError, OptionError, type GroupKind, type UnitSlice } from '@speechfold/core';

/** The requested group kinds, checked against what an adapter offers: an unknown one is an OptionError naming --groups and the choices. */
export function parseGroupKinds<K extends GroupKind>(kinds: readonly string[], offered: readonly K[], modelType: string): Set<K> {
  for (const kind of kinds) {
    if (!(offered as readonly string[]).includes(kind)) {
      throw new OptionError('--groups', `unknown group kind '${kind}' for ${modelType} models; this adapter offers: ${offered.join(', ')}`);
    }
  }
  return new Set(kinds as readonly K[]);
}

/** Units of a slice's tensor along its axis, divided by the unit size; ModelError when absent or not whole. */
export function unitsOf(shapes: Map<string, readonly number[]>, slice: UnitSlice): number {
  const shape = shapes.get(slice.tensor);
  if (shape === undefined) throw new ModelError({ tensor: slice.tensor }, 'missing, needed for a fold group');
  const dim = shape[slice.axis];
  if (dim === undefined || dim % slice.unitSize !== 0) {
    throw new ModelError(
      { tensor: slice.tensor },
      `axis ${slice.axis} of [${shape.join(', ')}] is not a whole number of ${slice.unitSize}-wide units`,
    );
  }
  return dim / slice.unitSize;
}

/**
 * The activation a group response can model, from a config's activation name ('gelu' is exact
 * GELU in HF; 'relu'), or null for any other (the group then gets no response: probe features fall
 * back to producer slices and the bias correction skips it).
 */
export function responseActivation(name: string): 'gelu' | 'relu' | null {
  return name === 'gelu' || name === 'relu' ? name : null;
}
