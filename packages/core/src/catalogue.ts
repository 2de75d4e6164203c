/**
 * The catalogue of named choices, like tfjs' kernel registry or transformers.js' model registry:
 * every method, clusterer, feature extractor, pruner, scorer, policy, export format and engine a user
 * can pick by name registers here once, with a one-line description and a factory. The CLI builds its
 * choices, validation and --help text from it, and the run spec is validated against it, so a new
 * plugin is one file plus one registration.
 */
import type { DependencyContainer } from './container';
import type { TensorEngine } from './engine';
import { OptionError } from './errors';
import type { ExportFormat } from './export-format';
import type { Clusterer, FeatureExtractor, Pruner, SparsityPolicy, UnitScorer } from './method';

/** What a method does: fold (cluster + merge) or prune, with which plugins by default. */
export interface MethodRecipe {
  action: 'fold' | 'prune';
  /** fold: the clusterer, feature extractor and merge options it uses unless the spec overrides them. */
  fold?: { clusterer: string; cap: number | 'auto'; features: string; biasCorrection: boolean; repair: boolean };
  /** prune: the pruner and (for structured pruning) the unit scorer. */
  prune?: { pruner: string; scorer?: string };
}

/** The settings a factory may read (the validated run spec's fields). */
export type ChoiceOptions = Readonly<Record<string, unknown>>;

/**
 * What each kind of choice makes. An open vocabulary: a package adding a kind augments it,
 * `declare module '@speechfold/core' { interface ChoiceKinds { mine: Mine } }`.
 */
export interface ChoiceKinds {
  method: MethodRecipe;
  clusterer: Clusterer;
  features: FeatureExtractor;
  pruner: Pruner;
  scorer: UnitScorer;
  policy: SparsityPolicy;
  export: ExportFormat;
  engine: Promise<TensorEngine>;
}

/** A kind of choice. */
export type ChoiceKind = keyof ChoiceKinds;

/** One registered choice. */
export interface Choice<K extends ChoiceKind = ChoiceKind> {
  kind: K;
  name: string;
  /** One line, shown in --help and docs. */
  description: string;
  /** The option names this choice reads from the spec (documentation and --help), with a line each. */
  options?: Readonly<Record<string, string>>;
  /** Makes the plugin; `container` holds the engine, progress listener and run options. */
  create(container: DependencyContainer, options: ChoiceOptions): ChoiceKinds[K];
}

/** Named choices by kind, in registration order. */
export class Catalogue {
  private readonly choices = new Map<ChoiceKind, Map<string, Choice>>();

  /** Registers a choice; a second registration of the same kind and name replaces the first. */
  register<K extends ChoiceKind>(choice: Choice<K>): this {
    if (!/^[a-z0-9][a-z0-9.-]*$/.test(choice.name)) {
      throw new OptionError(choice.kind, `choice name '${choice.name}' must be lower-case letters, digits, '.' and '-'`);
    }
    let byName = this.choices.get(choice.kind);
    if (!byName) this.choices.set(choice.kind, (byName = new Map()));
    byName.set(choice.name, choice as unknown as Choice);
    return this;
  }

  /** The kinds that have choices, in the order of their first registration. */
  kinds(): ChoiceKind[] {
    return [...this.choices.keys()];
  }

  /** The names of a kind, in registration order. */
  names(kind: ChoiceKind): string[] {
    return [...(this.choices.get(kind)?.keys() ?? [])];
  }

  /** Every choice of a kind, in registration order. */
  list<K extends ChoiceKind>(kind: K): Choice<K>[] {
    return [...(this.choices.get(kind)?.values() ?? [])] as unknown as Choice<K>[];
  }

  /** True when `name` is registered under `kind`. */
  has(kind: ChoiceKind, name: string): boolean {
    return this.choices.get(kind)?.has(name) === true;
  }

  /** The choice, or an OptionError naming `option` (e.g. '--clusterer') and the registered names. */
  get<K extends ChoiceKind>(kind: K, name: unknown, option: string = kind): Choice<K> {
    const choice = typeof name === 'string' ? this.choices.get(kind)?.get(name) : undefined;
    if (!choice) {
      throw new OptionError(option, `unknown ${kind} ${JSON.stringify(name)}; choose one of: ${this.names(kind).join(', ') || 'none registered'}`);
    }
    return choice as unknown as Choice<K>;
  }

  /** Makes the named plugin. */
  create<K extends ChoiceKind>(kind: K, name: string, container: DependencyContainer, options: ChoiceOptions = {}, option?: string): ChoiceKinds[K] {
    return this.get(kind, name, option).create(container, options);
  }

  /** A copy to register more choices in without touching this one. */
  clone(): Catalogue {
    const copy = new Catalogue();
    for (const [kind, byName] of this.choices) for (const choice of byName.values()) copy.register({ ...choice, kind });
    return copy;
  }
}
