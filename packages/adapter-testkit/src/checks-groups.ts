/**
 * Kit checks on fold groups: every slice fits its tensor, groups of all offered kinds can be
 * compressed together (no shared tensors, unique names), each unit owns parameters, folding with
 * K = N changes nothing, and the adapter runs through core's Pipeline.
 */
import {
  parametersPerUnit,
  Pipeline,
  silentProgress,
  type Clusterer,
  type ClusterResult,
  type FoldGroup,
  type Matrix,
  type SparsityPolicy,
  extendedExport,
} from '@speechfold/core';
import { MemorySink, MemorySource } from '@speechfold/core/testing';
import { FoldingMerger, MagnitudeScorer, StructuredPruner, UnitFeatureExtractor } from '@speechfold/fold';
import { check, doesNotThrow, noProblems, sameJson } from './assertions';
import type { KitCheck } from './context';
import { foldModel, roundRobinLabels } from './fold-model';
import { describeModel, type TestModel } from './model';

/** Problems with a group's slices against the model's tensors (empty when it fits). */
export function sliceProblems(group: FoldGroup, model: TestModel): string[] {
  const problems: string[] = [];
  const at = `group '${group.name}'`;
  if (!Number.isInteger(group.units) || group.units < 1) problems.push(`${at}: units ${group.units}`);
  if (group.producers.length === 0) problems.push(`${at}: no producer slice`);
  for (const slice of [...group.producers, ...group.consumers]) {
    const where = `${at}, tensor '${slice.tensor}'`;
    const tensor = model.tensors.get(slice.tensor);
    if (tensor === undefined) {
      problems.push(`${where}: no such tensor`);
      continue;
    }
    const rank = tensor.shape.length;
    if (!Number.isInteger(slice.axis) || slice.axis < 0 || slice.axis >= rank) {
      problems.push(`${where}: axis ${slice.axis} outside [0, ${rank})`);
      continue;
    }
    if (!Number.isInteger(slice.start) || slice.start < 0) problems.push(`${where}: start ${slice.start}`);
    if (!Number.isInteger(slice.unitSize) || slice.unitSize < 1) problems.push(`${where}: unitSize ${slice.unitSize}`);
    const end = slice.start + group.units * slice.unitSize;
    if (end > tensor.shape[slice.axis])
      problems.push(`${where}: units end at ${end} > dim ${tensor.shape[slice.axis]}`);
  }
  return problems;
}

/** Whether two fp32 arrays hold the same bits (so -0 vs 0 and NaN payloads count as changes). */
function sameBits(a: Float32Array, b: Float32Array): boolean {
  if (a.length !== b.length) return false;
  const ua = new Uint32Array(a.buffer, a.byteOffset, a.length);
  const ub = new Uint32Array(b.buffer, b.byteOffset, b.length);
  for (let i = 0; i < ua.length; i++) if (ua[i] !== ub[i]) return false;
  return true;
}

/** A policy that keeps half of every group's units (at least one). */
const HALF_POLICY: SparsityPolicy = {
  name: 'kit-half',
  needsCost: false,
  allocate: async (groups) =>
    groups.map((g) => ({ group: g.group.name, n: g.group.units, k: Math.max(1, Math.floor(g.group.units / 2)) })),
};

/** A clusterer that puts unit i in cluster i mod k: deterministic and never leaves a cluster empty. */
const ROUND_ROBIN: Clusterer = {
  name: 'kit-round-robin',
  cluster: async (features: Matrix, k: number): Promise<ClusterResult> => ({
    labels: roundRobinLabels(features.rows, k),
    centroids: { data: new Float32Array(k * features.cols), rows: k, cols: features.cols },
    inertia: 0,
    iterations: 0,
  }),
};

const SECTION = 'fold groups';

/** The fold-group checks. */
export const GROUP_CHECKS: readonly KitCheck[] = [
  {
    section: SECTION,
    name: 'lists groups whose slices fit their tensors',
    run: (ctx) => {
      const groups = ctx.groups();
      check(groups.length > 0, `groups(model, ${JSON.stringify(ctx.spec.kinds)}) is empty`);
      noProblems(groups.flatMap((g) => sliceProblems(g, ctx.model())), 'slices that do not fit');
    },
  },
  {
    section: SECTION,
    name: 'gives each requested kind alone exactly its groups of the combined list',
    run: (ctx) => {
      const all = ctx.groups();
      for (const kind of ctx.spec.kinds) {
        const alone = ctx.spec.adapter.groups(describeModel(ctx.model()), [kind]).map((g) => g.name);
        check(alone.length > 0, `groups(model, ['${kind}']) is empty`);
        sameJson(alone, all.filter((g) => g.kind === kind).map((g) => g.name), `groups(model, ['${kind}'])`);
      }
      noProblems(all.filter((g) => !ctx.spec.kinds.includes(g.kind)).map((g) => `${g.name} (${g.kind})`), 'groups of kinds not requested');
    },
  },
  {
    section: SECTION,
    name: 'keeps groups of all offered kinds disjoint (no tensor in two groups) and uniquely named',
    run: (ctx) => {
      const owner = new Map<string, string>();
      const clashes: string[] = [];
      for (const group of ctx.groups()) {
        for (const slice of [...group.producers, ...group.consumers]) {
          const other = owner.get(slice.tensor);
          if (other !== undefined && other !== group.name) clashes.push(`${slice.tensor}: ${other} and ${group.name}`);
          owner.set(slice.tensor, group.name);
        }
      }
      noProblems(clashes, 'tensors in two groups');
      const names = ctx.groups().map((g) => g.name);
      noProblems(names.filter((n, i) => names.indexOf(n) !== i), 'group names used twice');
    },
  },
  {
    section: SECTION,
    name: 'gives every group a stack, a layer index and parameters per unit > 0',
    run: (ctx) => {
      const shapeOf = (name: string): readonly number[] => ctx.model().tensors.get(name)?.shape ?? [];
      const problems: string[] = [];
      for (const group of ctx.groups()) {
        if (group.stack === '' || !Number.isInteger(group.layer) || group.layer < 0) problems.push(`${group.name}: stack '${group.stack}', layer ${group.layer}`);
        if (!(parametersPerUnit(group, shapeOf) > 0)) problems.push(`${group.name}: no parameters per unit`);
      }
      noProblems(problems, 'groups');
    },
  },
  {
    section: SECTION,
    name: 'folding every group with K = N (identity labels) leaves every tensor identical',
    run: (ctx) => {
      const model = ctx.model();
      const groups = ctx.groups();
      const folded = foldModel(model, groups, new Map(groups.map((g) => [g.name, g.units])));
      const changed: string[] = [];
      for (const [name, before] of model.tensors) {
        const after = folded.tensors.get(name);
        if (after === undefined || after.shape.join() !== before.shape.join() || !sameBits(before.data, after.data)) {
          changed.push(name);
        }
      }
      noProblems(changed, 'tensors changed by an identity fold');
    },
  },
  {
    section: SECTION,
    name: "runs through core's Pipeline, and the extended config of the result validates",
    run: async ({ spec, model: get }) => {
      const model = get();
      const { adapter, kinds } = spec;
      const description = describeModel(model);
      const source = new MemorySource(model.tensors);
      const sink = new MemorySink();
      const pipeline = new Pipeline(
        [adapter],
        HALF_POLICY,
        ROUND_ROBIN,
        new UnitFeatureExtractor(),
        new FoldingMerger(),
        new StructuredPruner(new MagnitudeScorer()),
        silentProgress,
        { method: 'fold', sparsity: 0.5, kinds, seed: 0 },
        extendedExport(),
      );
      const result = await pipeline.run(description, source, sink);
      await sink.commit();
      check(result.adapter === adapter.id, `the Pipeline chose adapter '${result.adapter}', not '${adapter.id}'`);
      check(result.exportMode === 'extended', `export mode '${String(result.exportMode)}', expected 'extended'`);
      const config = adapter.rewriteConfig(description, result.kept, 'extended');
      sameJson(result.config, config, "the Pipeline's config against rewriteConfig(..., 'extended')");
      doesNotThrow(() => adapter.validate(describeModel({ config, tensors: sink.committed })), 'validate() of the compressed model');
    },
  },
];
