/**
 * Kit checks on the config rewrite (docs/adapters.md): 'extended' describes any folding (fewer FFN
 * units, fewer heads) with the stock fields untouched, and can be compressed again; 'hf' writes a
 * uniform FFN width into the stock fields and refuses what stock configs cannot say (fewer heads,
 * FFN widths differing within a stack) with a ModelError pointing to the other modes; 'dense' keeps
 * shapes and only marks the config.
 */
import { describe, expect, it } from '@jest/globals';
import { ModelError, OptionError, SpeechfoldError, type FoldGroup } from '@speechfold/core';
import type { KitContext } from './context';
import { messageOf, thrownBy } from './errors';
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

/** Registers the config-rewrite checks. */
export function exportChecks(ctx: KitContext): void {
  const { adapter, kinds } = ctx.spec;
  const hasFfn = kinds.includes('ffn');
  const hasHeads = kinds.includes('heads');
  const validates = (model: TestModel): void => adapter.validate(describeModel(model));

  describe('config rewrite', () => {
    (hasFfn ? it : it.skip)(
      "'extended' describes folded FFNs and fewer heads, keeps stock fields, and folds again",
      () => {
        const model = ctx.model();
        const groups = ctx.groups();
        const kept = foldPlan(groups, hasHeads);
        const config = adapter.rewriteConfig(describeModel(model), kept, 'extended');
        const folded: TestModel = { config, tensors: foldModel(model, groups, kept).tensors };
        expect(() => validates(folded)).not.toThrow();
        expect(stockFields(config)).toEqual(stockFields(model.config));
        expect(config[KEY]).toMatchObject({ version: 1, export: 'extended' });
        expect(Array.isArray((config[KEY] as { layers?: unknown }).layers)).toBe(true);

        // The folded model's groups read the new unit counts from the shapes...
        const again = ctx.groups(folded);
        expect(again.map((g) => [g.name, g.units])).toEqual(groups.map((g) => [g.name, kept.get(g.name) ?? g.units]));
        // ...so it can be compressed once more.
        const kept2 = new Map(again.filter((g) => g.kind === 'ffn').map((g) => [g.name, Math.max(1, g.units - 1)]));
        const config2 = adapter.rewriteConfig(describeModel(folded), kept2, 'extended');
        expect(() => validates({ config: config2, tensors: foldModel(folded, again, kept2).tensors })).not.toThrow();
        expect(stockFields(config2)).toEqual(stockFields(model.config));
      },
    );

    (hasFfn ? it : it.skip)("'hf' writes one FFN width into the stock fields and the result validates", () => {
      const model = ctx.model();
      const groups = ctx.groups();
      const kept = foldPlan(groups, false);
      const config = adapter.rewriteConfig(describeModel(model), kept, 'hf');
      expect(config[KEY]).toBeUndefined();
      expect(() => validates({ config, tensors: foldModel(model, groups, kept).tensors })).not.toThrow();
    });

    (hasHeads ? it : it.skip)(
      "'hf' refuses fewer heads with a ModelError (option --export) pointing to 'extended'",
      () => {
        const groups = ctx.groups();
        const heads = groups.find((g) => g.kind === 'heads' && g.units > 1);
        expect(heads).toBeDefined();
        const kept = new Map([[(heads as FoldGroup).name, (heads as FoldGroup).units - 1]]);
        const error = thrownBy(() => adapter.rewriteConfig(describeModel(ctx.model()), kept, 'hf'));
        expect(error).toBeInstanceOf(ModelError);
        expect((error as ModelError).subject.option).toBe('--export');
        expect(messageOf(error)).toContain('extended');
        expect(messageOf(error)).not.toContain('\n');
      },
    );

    (hasFfn ? it : it.skip)("'hf' refuses FFN widths that differ within a stack", () => {
      const ffn = ctx.groups().filter((g) => g.kind === 'ffn' && g.units > 1);
      const first = ffn.find((g) => ffn.some((o) => o !== g && o.stack === g.stack));
      if (first === undefined) return; // one FFN layer per stack: nothing can differ
      const kept = new Map([[first.name, first.units - 1]]);
      const error = thrownBy(() => adapter.rewriteConfig(describeModel(ctx.model()), kept, 'hf'));
      expect(error).toBeInstanceOf(ModelError);
      expect(messageOf(error)).toContain('extended');
    });

    it("'dense' keeps every shape and only adds {version: 1, export: 'dense'}", () => {
      const model = ctx.model();
      const groups = ctx.groups();
      const kept = foldPlan(groups, hasHeads);
      const config = adapter.rewriteConfig(describeModel(model), kept, 'dense');
      expect(config).toEqual({ ...model.config, [KEY]: { version: 1, export: 'dense' } });
      const dense = foldModel(model, groups, kept, 'dense');
      for (const [name, t] of dense.tensors) expect([name, t.shape]).toEqual([name, model.tensors.get(name)?.shape]);
      expect(() => validates({ config, tensors: dense.tensors })).not.toThrow();
    });

    it('refuses an unknown export mode with an OptionError naming --export', () => {
      const error = thrownBy(() => adapter.rewriteConfig(describeModel(ctx.model()), new Map(), 'onnx'));
      expect(error).toBeInstanceOf(OptionError);
      expect((error as OptionError).subject.option).toBe('--export');
    });

    it('refuses kept units for a group the model does not have, or more units than it has', () => {
      const description = describeModel(ctx.model());
      const group = ctx.groups()[0];
      for (const kept of [new Map([['no.such.group', 1]]), new Map([[group.name, group.units + 1]])]) {
        expect(thrownBy(() => adapter.rewriteConfig(description, kept, 'extended'))).toBeInstanceOf(SpeechfoldError);
      }
    });

    it('does not modify the config it was given', () => {
      const model = ctx.model();
      const before = JSON.stringify(model.config);
      adapter.rewriteConfig(describeModel(model), foldPlan(ctx.groups(), hasHeads), 'extended');
      adapter.rewriteConfig(describeModel(model), foldPlan(ctx.groups(), false), 'hf');
      expect(JSON.stringify(model.config)).toBe(before);
    });
  });
}
