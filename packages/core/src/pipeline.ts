import { inject, injectable, injectAll } from 'tsyringe';
import { MethodError, ModelError, OptionError } from './errors';
import { groupTensorNames, ownedTensorNames, parametersPerUnit, type FoldGroup } from './groups';
import type { TensorSink, TensorSource } from './io';
import type {
  Allocation,
  ClusterResult,
  Clusterer,
  FeatureExtractor,
  GroupBudgetInput,
  GroupTensors,
  Merger,
  ModelAdapter,
  ModelDescription,
  PolicyBounds,
  Pruner,
  SparsityPolicy,
} from './method';
import type { ExportFormat } from './export-format';
import type { ProgressListener } from './progress';
import { numel, type TensorInfo } from './tensor';
import { TOKENS } from './tokens';

/** What to do to the model in one run (derived from the run spec; registered under TOKENS.RunOptions). */
export interface RunOptions {
  /** 'fold': cluster + merge (the method); 'prune': the registered Pruner (the baseline). */
  method: 'fold' | 'prune';
  /** Global target sparsity of the targeted parameters, in [0, 1). */
  sparsity: number;
  /** Group kinds to compress, e.g. ['ffn'] or ['ffn', 'heads']. */
  kinds: readonly string[];
  seed: number;
  nInit?: number;
  maxIter?: number;
  tol?: number;
  /** Fold-AR variance repair in the merge. */
  repair?: boolean;
  /** Data-free bias correction in the merge (groups with a response). */
  biasCorrection?: boolean;
  bounds?: PolicyBounds;
}

/** What happened to one group. */
export interface GroupReport {
  name: string;
  kind: string;
  stack: string;
  layer: number;
  n: number;
  k: number;
  /** k-means inertia (fold) or null (prune). */
  inertia: number | null;
  seconds: number;
}

/** The outcome of one run: per-group facts and parameter counts. */
export interface CompressionResult {
  adapter: string;
  groups: GroupReport[];
  allocations: Allocation[];
  parameters: { before: number; after: number; targetedBefore: number; targetedAfter: number };
  sparsity: { targeted: number; overall: number };
  /** Units kept per group name (what the adapter's config rewrite needs). */
  kept: Map<string, number>;
  /** True when the result has the original shapes (unstructured pruning, dense export). */
  shapesKept: boolean;
  /** The rewritten config.json (when an export format is registered). */
  config: Record<string, unknown> | null;
  /** The export format written ('auto' resolves to 'hf' where a stock config can express the result, else 'extended'). */
  exportMode: string | null;
  /** What the written format is and who can load it (null when no export format is registered). */
  exportFormat: { name: string; description: string; stockLoadable: boolean; keepsShapes: boolean } | null;
  /** What the user should know about the result (also sent to the ProgressListener as 'warning' events). */
  warnings: string[];
}

/**
 * The achieved sparsity may differ from the requested one by this much at least before the pipeline
 * warns (besides one unit of the coarsest group): rounding K per group to whole units of fine groups
 * (FFN neurons) always misses by a little.
 */
export const SPARSITY_WARNING_TOLERANCE = 0.005;

/**
 * How many groups are prepared (read, and for fold featurised and clustered) ahead of the one being
 * merged and written. Two when the extractor gives a pair cost (matching by it alternates a
 * thread-pool phase, the costs, with main-thread phases, neighbour search and matching, so two
 * groups in flight keep both busy: HuBERT-large `fold` 50% 32.5 s -> 29.3 s); one otherwise
 * (k-means keeps every core busy alone, and two at once were slower: Whisper-large-v3 k-means 10%
 * 191.8 s with one, 255.3 s with two).
 */
export function groupsAhead(extractor: FeatureExtractor): number {
  return extractor.pairCost !== undefined ? 2 : 1;
}

/**
 * The compression pipeline: adapter -> groups -> policy -> clusterer -> merger (or pruner) -> sink.
 * Every step is resolved from the container by its token, so any of them can be swapped in code.
 * Memory holds at most groupsAhead + 1 groups' tensors (fp32) at a time (groups ahead are read,
 * featurised and clustered while this one is merged and written); other tensors are copied as stored
 * bytes.
 */
@injectable()
export class Pipeline {
  constructor(
    @injectAll(TOKENS.ModelAdapter) private readonly adapters: ModelAdapter[],
    @inject(TOKENS.SparsityPolicy) private readonly policy: SparsityPolicy,
    @inject(TOKENS.Clusterer) private readonly clusterer: Clusterer,
    @inject(TOKENS.FeatureExtractor) private readonly extractor: FeatureExtractor,
    @inject(TOKENS.Merger) private readonly merger: Merger,
    @inject(TOKENS.Pruner) private readonly pruner: Pruner,
    @inject(TOKENS.ProgressListener) private readonly progress: ProgressListener,
    @inject(TOKENS.RunOptions) private readonly options: RunOptions,
    @inject(TOKENS.ExportFormat, { isOptional: true }) private readonly format?: ExportFormat,
  ) {}

  /** The adapter that handles a config, or a ModelError listing the supported model types. */
  adapterFor(config: Record<string, unknown>): ModelAdapter {
    const adapter = this.adapters.find((a) => a.matches(config));
    if (!adapter) {
      const supported = this.adapters.map((a) => a.id).join(', ') || 'none registered';
      throw new ModelError(
        { file: 'config.json' },
        `unknown model type '${String(config.model_type)}'; supported: ${supported}`,
      );
    }
    return adapter;
  }

  /**
   * Compresses `source` into `sink` as the registered RunOptions and ExportFormat say (the caller
   * commits or aborts the sink). Without an ExportFormat no config is written and shapes shrink.
   */
  async run(model: ModelDescription, source: TensorSource, sink: TensorSink): Promise<CompressionResult> {
    const options = this.options;
    checkOptions(options);
    const adapter = this.adapterFor(model.config);
    adapter.validate(model);
    const groups = adapter.groups(model, options.kinds);
    const owner = ownership(groups);
    const shapeOf = (name: string): readonly number[] => source.info(name).shape;

    this.progress({ type: 'stage', stage: 'allocate', total: groups.length });
    const inputs: GroupBudgetInput[] = groups.map((group) => ({
      group,
      parametersPerUnit: parametersPerUnit(group, shapeOf),
      cost: this.policy.needsCost ? (k: number) => this.foldingCost(group, source, k, options) : undefined,
    }));
    const allocations = await this.policy.allocate(inputs, options.sparsity, options.bounds);
    const kOf = new Map(allocations.map((a) => [a.group, a.k]));
    const compact = new Map(groups.map((g) => [g.name, kOf.get(g.name) ?? g.units]));
    const warnings: string[] = [];
    const warn = (message: string): void => {
      warnings.push(message);
      this.progress({ type: 'warning', message });
    };
    if (!this.policy.ownBudget) {
      const miss = sparsityMiss(inputs, compact, options.sparsity);
      if (miss) warn(miss);
    }
    // The format refuses what it cannot express (e.g. 'hf' with uneven widths): asked before folding.
    const format = this.format?.resolve(adapter, model, compact) ?? null;
    if (format && this.format && format.name !== this.format.name && !format.stockLoadable) {
      // e.g. 'auto' fell back to 'extended': the user asked for no such thing, so say what it means.
      warn(
        `--export ${this.format.name} wrote the '${format.name}' export, since a stock config cannot express this result ` +
          `(per-layer widths or folded heads): stock transformers cannot load it, speechfold's runtimes can; ` +
          `pass --export dense for a checkpoint any stock loader runs (original shapes, no bytes saved)`,
      );
    }
    const shapesKept = (options.method === 'prune' && !this.pruner.structured) || format?.keepsShapes === true;
    const kept = new Map(groups.map((g) => [g.name, shapesKept ? g.units : compact.get(g.name)!]));
    const config = format?.config(adapter, model, kept) ?? null;
    const written: TensorInfo[] = [];

    this.progress({ type: 'stage', stage: 'copy' });
    const before = source.list().reduce((s, t) => s + numel(t.shape), 0);
    let after = 0;
    for (const info of source.list()) {
      if (owner.has(info.name)) continue;
      await sink.addBytes(info.name, info.dtype, [...info.shape], await source.readBytes(info.name));
      written.push({ name: info.name, dtype: info.dtype, shape: [...info.shape] });
      after += numel(info.shape);
    }

    this.progress({ type: 'stage', stage: options.method, total: groups.length });
    const reports: GroupReport[] = [];
    let targetedBefore = 0;
    let targetedAfter = 0;
    // Groups are read, decoded and (fold) featurised and clustered ahead of the one being merged and
    // written (groupsAhead), so one group's main-thread work runs while another's keeps the thread
    // pool busy. Every step is deterministic and groups are independent, so the overlap does not
    // change any result.
    const aheadCount = groupsAhead(this.extractor);
    const prepare = async (group: FoldGroup): Promise<{ tensors: GroupTensors; clustering: ClusterResult | null }> => {
      const k = kOf.get(group.name);
      if (k === undefined) throw new MethodError({ group: group.name }, `the ${this.policy.name} policy allocated no K`);
      const tensors = await readGroup(group, source);
      if (options.method !== 'fold') return { tensors, clustering: null };
      const features = await this.extractor.features(group, tensors);
      const clustering = await this.clusterer.cluster(features, k, {
        pairCost: (await this.extractor.pairCost?.(group, tensors)) ?? undefined,
        seed: options.seed,
        nInit: options.nInit,
        maxIter: options.maxIter,
        tol: options.tol,
        group: group.name,
      });
      return { tensors, clustering };
    };
    const ahead: Promise<{ tensors: GroupTensors; clustering: ClusterResult | null }>[] = [];
    const prepareNext = (index: number): void => {
      if (index >= groups.length) return;
      const prepared = prepare(groups[index]);
      // A step that fails for a group ahead is reported when its turn comes.
      prepared.catch(() => undefined);
      ahead.push(prepared);
    };
    for (let index = 0; index < aheadCount; index++) prepareNext(index);
    for (const [index, group] of groups.entries()) {
      const k = kOf.get(group.name)!;
      const started = Date.now();
      const { tensors, clustering } = await ahead.shift()!;
      prepareNext(index + aheadCount);
      let result: GroupTensors;
      // Where each original unit went (its compact index, -1 removed); null when shapes did not change.
      let assignment: Int32Array | null;
      let inertia: number | null = null;
      if (clustering !== null) {
        inertia = clustering.inertia;
        result = this.merger.merge(group, tensors, clustering.labels, k, {
          repair: options.repair,
          biasCorrection: options.biasCorrection,
        });
        assignment = clustering.labels;
      } else {
        ({ tensors: result, assignment } = this.pruner.prune(group, tensors, k));
      }
      if (format?.keepsShapes && assignment !== null) {
        if (!format.expand) throw new MethodError({ group: group.name }, `export format '${format.name}' keeps shapes but cannot lay a group out`);
        result = format.expand(group, result, assignment, k);
      }
      // Only the group's own tensors are written (the LayerNorm a response reads was copied above);
      // an owned tensor the step left alone (an uncorrected output bias) is written as read.
      const sliced = new Set([...group.producers, ...group.consumers].map((s) => s.tensor));
      for (const name of ownedTensorNames(group)) {
        const tensor = result.get(name) ?? tensors.get(name);
        if (tensor === undefined) throw new MethodError({ group: group.name, tensor: name }, 'the merge lost this tensor');
        const info = source.info(name);
        await sink.addFloat32(name, info.dtype, tensor.shape, tensor.data);
        written.push({ name, dtype: info.dtype, shape: [...tensor.shape] });
        if (sliced.has(name)) {
          targetedBefore += numel(info.shape);
          targetedAfter += numel(tensor.shape);
        } else {
          after += numel(tensor.shape);
        }
      }
      reports.push({
        name: group.name,
        kind: group.kind,
        stack: group.stack,
        layer: group.layer,
        n: group.units,
        k,
        inertia,
        seconds: (Date.now() - started) / 1000,
      });
      this.progress({ type: 'step', stage: options.method, done: index + 1, total: groups.length, item: group.name });
    }
    after += targetedAfter;
    // The written config must describe the written tensors: the adapter checks them as it checks any
    // input, so an inconsistent checkpoint is never committed (the caller aborts the sink).
    if (config !== null) adapter.validate({ config, tensors: written });

    return {
      adapter: adapter.id,
      groups: reports,
      allocations,
      parameters: { before, after, targetedBefore, targetedAfter },
      sparsity: {
        targeted: targetedBefore === 0 ? 0 : 1 - targetedAfter / targetedBefore,
        overall: before === 0 ? 0 : 1 - after / before,
      },
      kept,
      shapesKept,
      config,
      exportMode: format?.name ?? null,
      exportFormat: format && { name: format.name, description: format.description, stockLoadable: format.stockLoadable, keepsShapes: format.keepsShapes },
      warnings,
    };
  }

  /** Normalised distortion of folding a group to k units: inertia / total feature energy. */
  private async foldingCost(group: FoldGroup, source: TensorSource, k: number, options: RunOptions): Promise<number> {
    const features = await this.extractor.features(group, await readGroup(group, source));
    let energy = 0;
    for (const v of features.data) energy += v * v;
    if (energy === 0) return 0;
    const { inertia } = await this.clusterer.cluster(features, k, { seed: options.seed, nInit: 1, group: group.name });
    return inertia / energy;
  }
}

/**
 * A warning when the K allocated per group remove a share of the targeted parameters that misses
 * `requested` by more than one unit of the coarsest group and more than SPARSITY_WARNING_TOLERANCE
 * (e.g. --groups heads: a Whisper-tiny attention has 6 heads, so each group moves in steps of 16.7%);
 * null when it is close enough.
 */
function sparsityMiss(inputs: readonly GroupBudgetInput[], kept: ReadonlyMap<string, number>, requested: number): string | null {
  let targeted = 0;
  let removed = 0;
  let unit = 0;
  let coarsest: FoldGroup | null = null;
  for (const { group, parametersPerUnit: p } of inputs) {
    targeted += group.units * p;
    removed += (group.units - (kept.get(group.name) ?? group.units)) * p;
    unit = Math.max(unit, p);
    if (coarsest === null || group.units < coarsest.units) coarsest = group;
  }
  if (targeted === 0 || coarsest === null) return null;
  const achieved = removed / targeted;
  if (Math.abs(achieved - requested) <= Math.max(unit / targeted, SPARSITY_WARNING_TOLERANCE)) return null;
  const pct = (x: number): string => `${(100 * x).toFixed(2)}%`;
  const { kind, units } = coarsest;
  const sameKind = inputs.filter((i) => i.group.kind === kind).map((i) => i.group.units);
  const sizes = Math.min(...sameKind) === Math.max(...sameKind) ? `${units} units` : `as few as ${units} units`;
  return (
    `the targeted sparsity is ${pct(achieved)}, not the requested ${pct(requested)}: K is a whole number of units per group, ` +
    `and the '${kind}' groups have ${sizes} each (one unit is ${pct(1 / units)} of a group); ` +
    `ask for a sparsity near a multiple of that, or compress other group kinds (--groups)`
  );
}

/** Reads every tensor a group touches as fp32. */
async function readGroup(group: FoldGroup, source: TensorSource): Promise<GroupTensors> {
  const tensors: GroupTensors = new Map();
  for (const name of groupTensorNames(group)) {
    const info: TensorInfo = source.info(name);
    tensors.set(name, { shape: [...info.shape], data: await source.readFloat32(name) });
  }
  return tensors;
}

/** Maps each tensor to the one group that owns it; a tensor in two groups is refused. */
function ownership(groups: FoldGroup[]): Map<string, string> {
  const owner = new Map<string, string>();
  for (const group of groups) {
    for (const tensor of ownedTensorNames(group)) {
      const other = owner.get(tensor);
      if (other !== undefined && other !== group.name) {
        throw new MethodError(
          { group: group.name, tensor },
          `tensor is also in group '${other}': groups of one run must not share tensors`,
        );
      }
      owner.set(tensor, group.name);
    }
  }
  return owner;
}

function checkOptions(options: RunOptions): void {
  if (!(options.sparsity >= 0 && options.sparsity < 1)) {
    throw new OptionError('--sparsity', `expected a number in [0, 1), got ${options.sparsity}`);
  }
  if (options.kinds.length === 0) throw new OptionError('--groups', 'expected at least one group kind');
  if (!Number.isSafeInteger(options.seed)) throw new OptionError('--seed', `expected an integer, got ${options.seed}`);
}
