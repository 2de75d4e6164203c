/**
 * Kit checks on detection and validation: the adapter knows its own configs and no others, accepts
 * its model, and refuses a model whose tensors and config disagree with a ModelError that names the
 * tensor or field, and an unknown group kind with an OptionError naming --groups.
 */
import { describe, expect, it } from '@jest/globals';
import { ModelError, OptionError } from '@speechfold/core';
import type { KitContext } from './context';
import { messageOf, thrownBy } from './errors';
import { describeModel, withoutTensor } from './model';

/** A config no adapter of a real family should claim. */
const FOREIGN_CONFIG: Record<string, unknown> = {
  model_type: 'speechfold-kit-foreign',
  architectures: ['ForeignModel'],
};

/** Registers the detection and validation checks. */
export function modelChecks(ctx: KitContext): void {
  const { adapter } = ctx.spec;

  describe('detection and validation', () => {
    it('has an id and matches its own config', () => {
      expect(adapter.id).toMatch(/^[a-z0-9-]+$/);
      expect(adapter.matches(ctx.model().config)).toBe(true);
    });

    it('matches no foreign config', () => {
      for (const config of [FOREIGN_CONFIG, {}, ...(ctx.spec.foreignConfigs ?? [])]) {
        expect({ config, matches: adapter.matches(config) }).toEqual({ config, matches: false });
      }
    });

    it('validates its model', () => {
      expect(() => adapter.validate(describeModel(ctx.model()))).not.toThrow();
    });

    it('refuses a model missing any tensor with a ModelError naming it', () => {
      const problems: string[] = [];
      for (const name of ctx.model().tensors.keys()) {
        const error = thrownBy(() => adapter.validate(describeModel(withoutTensor(ctx.model(), name))));
        if (!(error instanceof ModelError)) problems.push(`${name}: expected a ModelError, got ${messageOf(error)}`);
        else if (!error.message.includes(name)) problems.push(`${name}: message does not name it: ${error.message}`);
      }
      expect(problems).toEqual([]);
    });

    it('refuses a config dimension that disagrees with the tensors, naming the field or tensor', () => {
      expect(ctx.spec.dimensionFields.length).toBeGreaterThan(0);
      for (const field of ctx.spec.dimensionFields) {
        const model = ctx.model();
        const value = model.config[field];
        expect({ field, type: typeof value }).toEqual({ field, type: 'number' });
        const config = { ...model.config, [field]: (value as number) * 2 };
        const error = thrownBy(() => adapter.validate(describeModel({ config, tensors: model.tensors })));
        expect(error).toBeInstanceOf(ModelError);
        const named = (error as ModelError).subject.tensor !== undefined || messageOf(error).includes(`'${field}'`);
        expect({ field, named, message: messageOf(error) }).toMatchObject({ field, named: true });
      }
    });

    it('refuses an unknown group kind with an OptionError naming --groups and the kinds it offers', () => {
      const error = thrownBy(() => adapter.groups(describeModel(ctx.model()), ['no-such-kind']));
      expect(error).toBeInstanceOf(OptionError);
      expect((error as OptionError).subject.option).toBe('--groups');
      for (const kind of ctx.spec.kinds) expect(messageOf(error)).toContain(kind);
    });
  });
}
