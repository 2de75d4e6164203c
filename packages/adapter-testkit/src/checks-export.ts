/**
 * Kit checks on the config rewrite (docs/adapters.md): 'extended' describes any folding (fewer FFN
 * units, fewer heads) with the stock fields untouched, and can be compressed again; 'hf' writes a
 * uniform FFN width into the stock fields and refuses what stock configs cannot say (fewer heads,
 * FFN widths differing within a stack) with a ModelError pointing to the other modes; 'dense' keeps
 * shapes and only marks the config.
 */
import type { FoldGroup } from '@speechfold/core';
import { check, doesNotThrow, fail, noProblems, sameJson, speechfoldError } from './assertions';
import type { KitCheck, KitContext } from './context';
import { thrownBy } from './errors';
import { foldModel } from './fold-model';
import { describeModel, type TestModel } from './model';

/** The config key the extended and dense exports write. */
const KEY = 'speechfold';

/** Half of the smallest FFN group (at least 1): one width every FFN group can fold to. */
function uniformFfnK(groups: readonly FoldGroup[]): number {
  return Math.max(1, Math.floor(Math.min(...groups.filter((g) => g.kind === 'ffn').map((g) => g.units)) / 2));
}

/** FFN groups to one common K, heads groups (when `heads`) to one head fewer. */
function foldPlan(groups: readonly FoldGroup[], heads: boolean): Map<string, number> {
  const k = uniformFfnK(groups);
  const kept = new Map<string, number>();
  for (const g of groups) {
    if (g.kind === 'ffn') kept.set(g.name, k);
    if (g.kind === 'heads' && heads) kept.set(g.name, Math.max(1, g.units - 1));
  }
  return kept;
}

/** The config fields of `config` other than the speechfold key. */
function stockFields(config: Record<string, unknown>): Record<string, unknown> {
  const { [KEY]: _key, ...rest } = config;
  return rest;
}

const SECTION = 'config rewrite';

/** A reason to skip a check that needs a kind the spec does not list, or null. */
const needs = (kind: string) => (spec: { kinds: readonly string[] }): string | null =>
  spec.kinds.includes(kind) ? null : `the adapter offers no '${kind}' groups`;

const validates = (ctx: KitContext, model: TestModel, what: string): void =>
  doesNotThrow(() => ctx.spec.adapter.validate(describeModel(model)), `validate() of ${what}`);

/** The config-rewrite checks. */
export const EXPORT_CHECKS: readonly KitCheck[] = [
  {
    section: SECTION,
    name: "'extended' describes folded FFNs and fewer heads, keeps stock fields, and folds again",
    skip: needs('ffn'),
    run: (ctx) => {
      const { adapter, kinds } = ctx.spec;
      const model = ctx.model();
      const groups = ctx.groups();
      const kept = foldPlan(groups, kinds.includes('heads'));
      const config = adapter.rewriteConfig(describeModel(model), kept, 'extended');
      const folded: TestModel = { config, tensors: foldModel(model, groups, kept).tensors };
      validates(ctx, folded, "the folded model with its 'extended' config");
      sameJson(stockFields(config), stockFields(model.config), "the 'extended' config's stock fields");
      const key = config[KEY] as { version?: unknown; export?: unknown; layers?: unknown } | undefined;
      check(key?.version === 1 && key.export === 'extended', `'${KEY}' key: expected {version: 1, export: 'extended', ...}, got ${JSON.stringify(key)}`);
      check(Array.isArray(key.layers), `'${KEY}.layers': expected a list of layers, got ${JSON.stringify(key.layers)}`);

      // The folded model's groups read the new unit counts from the shapes...
      const again = ctx.groups(folded);
      sameJson(again.map((g) => [g.name, g.units]), groups.map((g) => [g.name, kept.get(g.name) ?? g.units]), 'groups of the folded model');
      // ...so it can be compressed once more.
      const kept2 = new Map(again.filter((g) => g.kind === 'ffn').map((g) => [g.name, Math.max(1, g.units - 1)]));
      const config2 = adapter.rewriteConfig(describeModel(folded), kept2, 'extended');
      validates(ctx, { config: config2, tensors: foldModel(folded, again, kept2).tensors }, 'the model folded twice');
      sameJson(stockFields(config2), stockFields(model.config), "the stock fields after folding twice");
    },
  },
  {
    section: SECTION,
    name: "'hf' writes one FFN width into the stock fields and the result validates",
    skip: needs('ffn'),
    run: (ctx) => {
      const model = ctx.model();
      const groups = ctx.groups();
      const kept = foldPlan(groups, false);
      const config = ctx.spec.adapter.rewriteConfig(describeModel(model), kept, 'hf');
      check(config[KEY] === undefined, `the 'hf' config has a '${KEY}' key: ${JSON.stringify(config[KEY])}`);
      validates(ctx, { config, tensors: foldModel(model, groups, kept).tensors }, "the folded model with its 'hf' config");
    },
  },
  {
    section: SECTION,
    name: "'hf' refuses fewer heads with a ModelError (option --export) pointing to 'extended'",
    skip: needs('heads'),
    run: (ctx) => {
      const heads = ctx.groups().find((g) => g.kind === 'heads' && g.units > 1);
      if (heads === undefined) return fail('no heads group with 2 or more heads: the kit needs one');
      const what = `rewriteConfig(..., 'hf') with ${heads.units - 1} of ${heads.units} heads in ${heads.name}`;
      const kept = new Map([[heads.name, heads.units - 1]]);
      const error = speechfoldError(thrownBy(() => ctx.spec.adapter.rewriteConfig(describeModel(ctx.model()), kept, 'hf')), what, 'E_MODEL');
      check(error.subject.option === '--export', `${what}: the ModelError's subject option is ${String(error.subject.option)}, not --export`);
      check(error.message.includes('extended') && !error.message.includes('\n'), `${what}: expected one line pointing to 'extended', got ${error.message}`);
    },
  },
  {
    section: SECTION,
    name: "'hf' refuses FFN widths that differ within a stack",
    skip: needs('ffn'),
    run: (ctx) => {
      const ffn = ctx.groups().filter((g) => g.kind === 'ffn' && g.units > 1);
      const first = ffn.find((g) => ffn.some((o) => o !== g && o.stack === g.stack));
      if (first === undefined) return; // one FFN layer per stack: nothing can differ
      const what = `rewriteConfig(..., 'hf') with only ${first.name} folded`;
      const kept = new Map([[first.name, first.units - 1]]);
      const error = speechfoldError(thrownBy(() => ctx.spec.adapter.rewriteConfig(describeModel(ctx.model()), kept, 'hf')), what, 'E_MODEL');
      check(error.message.includes('extended'), `${what}: the message does not point to 'extended': ${error.message}`);
    },
  },
  {
    section: SECTION,
    name: "'dense' keeps every shape and only adds {version: 1, export: 'dense'}",
    run: (ctx) => {
      const model = ctx.model();
      const groups = ctx.groups();
      const kept = foldPlan(groups, ctx.spec.kinds.includes('heads'));
      const config = ctx.spec.adapter.rewriteConfig(describeModel(model), kept, 'dense');
      sameJson(config, { ...model.config, [KEY]: { version: 1, export: 'dense' } }, "the 'dense' config");
      const dense = foldModel(model, groups, kept, 'dense');
      const reshaped = [...dense.tensors].filter(([name, t]) => t.shape.join() !== model.tensors.get(name)?.shape.join());
      noProblems(reshaped.map(([name, t]) => `${name}: [${t.shape.join(', ')}]`), "tensors 'dense' reshaped");
      validates(ctx, { config, tensors: dense.tensors }, "the dense model with its 'dense' config");
    },
  },
  {
    section: SECTION,
    name: 'refuses an unknown export mode with an OptionError naming --export',
    run: (ctx) => {
      const what = "rewriteConfig(..., 'onnx')";
      const error = speechfoldError(thrownBy(() => ctx.spec.adapter.rewriteConfig(describeModel(ctx.model()), new Map(), 'onnx')), what, 'E_OPTION');
      check(error.subject.option === '--export', `${what}: the OptionError names ${String(error.subject.option)}, not --export`);
    },
  },
  {
    section: SECTION,
    name: 'refuses kept units for a group the model does not have, or more units than it has',
    run: (ctx) => {
      const description = describeModel(ctx.model());
      const group = ctx.groups()[0];
      for (const [name, k] of [['no.such.group', 1], [group.name, group.units + 1]] as const) {
        const what = `rewriteConfig(..., 'extended') keeping ${k} units of '${name}'`;
        speechfoldError(thrownBy(() => ctx.spec.adapter.rewriteConfig(description, new Map([[name, k]]), 'extended')), what);
      }
    },
  },
  {
    section: SECTION,
    name: 'does not modify the config it was given',
    run: (ctx) => {
      const model = ctx.model();
      const before = JSON.stringify(model.config);
      ctx.spec.adapter.rewriteConfig(describeModel(model), foldPlan(ctx.groups(), ctx.spec.kinds.includes('heads')), 'extended');
      ctx.spec.adapter.rewriteConfig(describeModel(model), foldPlan(ctx.groups(), false), 'hf');
      check(JSON.stringify(model.config) === before, 'rewriteConfig() modified the config it was given');
    },
  },
];
