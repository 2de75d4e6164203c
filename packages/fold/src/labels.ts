/**
 * Checks on K and on a clustering's labels, shared by the merger, the pruners and the dense export.
 * A bad K or labelling is a bug upstream (policy, clusterer) that must stop the run with the group
 * named, never silently produce a model of the wrong size.
 */
import { MethodError, type FoldGroup } from '@speechfold/core';

/** Throws MethodError unless k is an integer in [1, N]. */
export function checkK(group: FoldGroup, k: number): void {
  if (!Number.isInteger(k) || k < 1 || k > group.units) {
    throw new MethodError({ group: group.name }, `expected K an integer in [1, ${group.units}], found ${k}`);
  }
}

/**
 * The members of each cluster (unit indices, ascending), after checking that there are N labels, each
 * an integer in [0, K), and that no cluster is empty.
 */
export function clusterMembers(group: FoldGroup, labels: ArrayLike<number>, k: number): number[][] {
  checkK(group, k);
  const subject = { group: group.name };
  if (labels.length !== group.units) {
    throw new MethodError(subject, `expected ${group.units} labels (one per unit), found ${labels.length}`);
  }
  const members: number[][] = Array.from({ length: k }, () => []);
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i];
    if (!Number.isInteger(label) || label < 0 || label >= k) {
      throw new MethodError(subject, `expected the label of unit ${i} in [0, ${k}), found ${label}`);
    }
    members[label].push(i);
  }
  const empty = members.findIndex((m) => m.length === 0);
  if (empty >= 0) {
    throw new MethodError(subject, `expected every cluster in [0, ${k}) to have a unit, found cluster ${empty} empty`);
  }
  return members;
}
