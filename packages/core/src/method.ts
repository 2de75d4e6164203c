import type { FoldGroup } from './groups';
import type { Matrix } from './engine';
import type { Tensor, TensorInfo } from './tensor';

/** Options every clusterer understands. */
export interface ClusterOptions {
  /** Seed: the same seed gives the same labels. */
  seed: number;
  /** Restarts; the lowest inertia wins. */
  nInit?: number;
  maxIter?: number;
  /** Stop when the relative change of inertia falls below this. */
  tol?: number;
  /** Used in error messages. */
  group?: string;
  /**
   * The cost of merging units a and b into one, where the feature extractor knows a better one than
   * the feature distance (probe.ts: the layer's output error on probe inputs). A clusterer that
   * supports it (capped with cap 2) ranks its candidate pairs, the feature-space neighbours, by it;
   * the others ignore it.
   */
  pairCost?: PairCost;
}

/**
 * The cost of merging units a and b of a group into one unit. `many`, when given, computes the costs
 * of a batch of pairs (a[i], b[i]) at once (e.g. on several threads), equal to calling the function
 * on each pair.
 */
export interface PairCost {
  (a: number, b: number): number;
  many?(a: Int32Array, b: Int32Array): Promise<Float64Array>;
}

/** A clustering of N points into K clusters. */
export interface ClusterResult {
  /** Cluster of each point, in [0, K); every cluster is non-empty. */
  labels: Int32Array;
  centroids: Matrix;
  /** Sum of squared distances of points to their centroids. */
  inertia: number;
  iterations: number;
}

/** Clusters the rows of a feature matrix into k groups. */
export interface Clusterer {
  readonly name: string;
  cluster(features: Matrix, k: number, options: ClusterOptions): Promise<ClusterResult>;
}

/** The tensors a group touches, decoded to fp32, by name. */
export type GroupTensors = Map<string, Tensor>;

/** Builds the clustering features of a group's units (rows = units). */
export interface FeatureExtractor {
  features(group: FoldGroup, tensors: GroupTensors): Matrix | Promise<Matrix>;
  /** The cost of merging two units, when the extractor can give one (else the clusterer uses feature distances). */
  pairCost?(group: FoldGroup, tensors: GroupTensors): PairCost | null | Promise<PairCost | null>;
}

/** Options of the folding merge. */
export interface MergeOptions {
  /** Model Folding's data-free variance repair (Fold-AR, METHOD.md §3). Off by default. */
  repair?: boolean;
  /**
   * Data-free bias correction (METHOD.md §3): the expected change of the group's output under
   * Gaussian probe inputs is added back to the response's output bias. Needs group.response; groups
   * without one are merged without it. Off by default in the merger; the `fold` preset turns it on.
   */
  biasCorrection?: boolean;
}

/** Folds a group's units by cluster: producers become means, consumers sums. */
export interface Merger {
  readonly name: string;
  merge(group: FoldGroup, tensors: GroupTensors, labels: Int32Array, k: number, options?: MergeOptions): GroupTensors;
}

/**
 * Scores the units of a group for pruning: the higher, the more worth keeping (magnitude L1/L2 of the
 * producer weights; anything later). Separate from the action, as Torch-Pruning splits importance
 * from its pruner: one scorer serves removing units and (through the `dense` export) zeroing them.
 */
export interface UnitScorer {
  readonly name: string;
  /** One finite score per unit. */
  score(group: FoldGroup, tensors: GroupTensors): Float64Array;
}

/** What a pruner produced for one group. */
export interface PruneResult {
  /** The group's tensors after pruning. */
  tensors: GroupTensors;
  /**
   * Where each original unit went: its index among the kept units, or -1 when it was removed; null
   * when no unit was removed and shapes are unchanged (unstructured pruning zeroes single weights).
   */
  assignment: Int32Array | null;
}

/** Removes units (structured, by a UnitScorer) or zeroes single weights (unstructured) of a group. */
export interface Pruner {
  readonly name: string;
  /** Whether the result has fewer units (structured) or the same shapes (unstructured). */
  readonly structured: boolean;
  prune(group: FoldGroup, tensors: GroupTensors, k: number): PruneResult;
}

/** What a policy knows about a group when it allocates K. */
export interface GroupBudgetInput {
  group: FoldGroup;
  /** Parameters one unit owns. */
  parametersPerUnit: number;
  /** Folding cost at trial K, when the policy asked for it (mixed). */
  cost?: (k: number) => Promise<number>;
}

/** Per-group bounds on the kept fraction of units. */
export interface PolicyBounds {
  /** Least fraction of units kept in any group (default: 1 unit). */
  minKeep?: number;
  /** Most fraction kept (default 1). */
  maxKeep?: number;
}

/** K chosen for one group, with the reason the policy can give. */
export interface Allocation {
  group: string;
  n: number;
  k: number;
  /** Extra per-group facts the policy reports (e.g. the measured cost). */
  detail?: Record<string, number>;
}

/** Chooses K per group so that the targeted parameters shrink by `sparsity` overall. */
export interface SparsityPolicy {
  readonly name: string;
  /** True when allocate() calls the groups' cost functions (they cost a clustering each). */
  readonly needsCost: boolean;
  /**
   * True when the policy's own options set the budget (explicit's per-group table), not the requested
   * sparsity: the pipeline then does not warn when the achieved sparsity differs from it.
   */
  readonly ownBudget?: boolean;
  allocate(groups: GroupBudgetInput[], sparsity: number, bounds?: PolicyBounds): Promise<Allocation[]>;
}

/** What an adapter reads from a model dir to describe it. */
export interface ModelDescription {
  config: Record<string, unknown>;
  tensors: TensorInfo[];
}

/** Model knowledge for one model family: detection, fold groups, config rewrite. */
export interface ModelAdapter {
  /** e.g. 'hubert', 'whisper'. */
  readonly id: string;
  /** True when this adapter handles the config (model_type, architectures). */
  matches(config: Record<string, unknown>): boolean;
  /** Checks config against tensors, throwing ModelError naming the field or tensor. */
  validate(model: ModelDescription): void;
  /** The fold groups of the requested kinds. */
  groups(model: ModelDescription, kinds: readonly string[]): FoldGroup[];
  /** The config.json of the compressed model, given the kept units per group. */
  rewriteConfig(model: ModelDescription, kept: Map<string, number>, mode: string): Record<string, unknown>;
}
