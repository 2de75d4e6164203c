/**
 * Kit checks on detection and validation: the adapter knows its own configs and no others, accepts
 * its model, and refuses a model whose tensors and config disagree with a ModelError that names the
 * tensor or field, and an unknown group kind with an OptionError naming --groups.
 */
import { check, doesNotThrow, fail, noProblems, speechfoldError } from './assertions';
import type { KitCheck } from './context';
import { messageOf, thrownBy } from './errors';
import { describeModel, withoutTensor } from './model';

/** A config no adapter of a real family should claim. */
const FOREIGN_CONFIG: Record<string, unknown> = {
  model_type: 'speechfold-kit-foreign',
  architectures: ['ForeignModel'],
};

const SECTION = 'detection and validation';

/** The detection and validation checks. */
export const MODEL_CHECKS: readonly KitCheck[] = [
  {
    section: SECTION,
    name: 'has an id and matches its own config',
    run: ({ spec, model }) => {
      check(/^[a-z0-9-]+$/.test(spec.adapter.id), `id '${spec.adapter.id}': expected lowercase letters, digits and '-'`);
      check(spec.adapter.matches(model().config), 'matches() is false for the config of its own model');
    },
  },
  {
    section: SECTION,
    name: 'matches no foreign config',
    run: ({ spec }) => {
      const claimed = [FOREIGN_CONFIG, {}, ...(spec.foreignConfigs ?? [])].filter((config) => spec.adapter.matches(config));
      noProblems(claimed.map((c) => JSON.stringify(c)), 'matches() is true for foreign configs');
    },
  },
  {
    section: SECTION,
    name: 'validates its model',
    run: ({ spec, model }) => doesNotThrow(() => spec.adapter.validate(describeModel(model())), 'validate() of its own model'),
  },
  {
    section: SECTION,
    name: 'refuses a model missing any tensor with a ModelError naming it',
    run: ({ spec, model }) => {
      const problems: string[] = [];
      for (const name of model().tensors.keys()) {
        const error = thrownBy(() => spec.adapter.validate(describeModel(withoutTensor(model(), name))));
        if (error === undefined) problems.push(`${name}: accepted without it`);
        else if ((error as { code?: unknown }).code !== 'E_MODEL') problems.push(`${name}: expected a ModelError, got ${messageOf(error)}`);
        else if (!messageOf(error).includes(name)) problems.push(`${name}: message does not name it: ${messageOf(error)}`);
      }
      noProblems(problems, 'a tensor removed');
    },
  },
  {
    section: SECTION,
    name: 'refuses a config dimension that disagrees with the tensors, naming the field or tensor',
    run: ({ spec, model }) => {
      check(spec.dimensionFields.length > 0, 'the spec lists no dimensionFields');
      for (const field of spec.dimensionFields) {
        const value = model().config[field];
        if (typeof value !== 'number') fail(`dimension field '${field}': expected a number in the config, got ${JSON.stringify(value)}`);
        const config = { ...model().config, [field]: value * 2 };
        const error = speechfoldError(
          thrownBy(() => spec.adapter.validate(describeModel({ config, tensors: model().tensors }))),
          `'${field}' doubled`,
          'E_MODEL',
        );
        check(
          error.subject.tensor !== undefined || error.message.includes(`'${field}'`),
          `'${field}' doubled: the ModelError names neither the field nor a tensor: ${error.message}`,
        );
      }
    },
  },
  {
    section: SECTION,
    name: 'refuses an unknown group kind with an OptionError naming --groups and the kinds it offers',
    run: ({ spec, model }) => {
      const what = "groups(model, ['no-such-kind'])";
      const error = speechfoldError(thrownBy(() => spec.adapter.groups(describeModel(model()), ['no-such-kind'])), what, 'E_OPTION');
      check(error.subject.option === '--groups', `${what}: the OptionError names ${String(error.subject.option)}, not --groups`);
      noProblems(spec.kinds.filter((kind) => !error.message.includes(kind)).map((k) => `does not list '${k}'`), `${what}: ${error.message}`);
    },
  },
];
