// tsyringe needs the Reflect metadata polyfill before any decorated class is defined: every package
// that defines @injectable classes imports it once, here, at the top of its index.ts.
import 'reflect-metadata';

export {
  SpeechfoldError,
  FormatError,
  PathError,
  OptionError,
  ModelError,
  MethodError,
  EngineError,
  QueueError,
  type ErrorSubject,
} from './errors';
export { DTYPE_SIZE, numel, type DType, type Tensor, type TensorInfo } from './tensor';
export type { TensorSource, TensorSink, TensorSinkOptions } from './io';
export type { TensorSourceFactory, TensorSinkFactory } from './factories';
export type { Matrix, NearestResult, MatmulOptions, TensorEngine, EngineId } from './engine';
export { checkMatrix, checkSameCols, matmulShape, rowsPerChunk } from './engine-shapes';
export { silentProgress, type ProgressEvent, type ProgressListener } from './progress';
export { TOKENS, token, type Token } from './tokens';
export { createContainer, provide, type DependencyContainer } from './container';
export { Random } from './random';
export { parametersPerUnit, type FoldGroup, type GroupKind, type GroupKinds, type GroupResponse, type UnitSlice } from './groups';
export type {
  Allocation,
  ClusterOptions,
  ClusterResult,
  Clusterer,
  FeatureExtractor,
  GroupBudgetInput,
  GroupTensors,
  MergeOptions,
  Merger,
  ModelAdapter,
  ModelDescription,
  PairCost,
  PolicyBounds,
  PruneResult,
  Pruner,
  SparsityPolicy,
  UnitScorer,
} from './method';
export { Pipeline, SPARSITY_WARNING_TOLERANCE, groupsAhead, type CompressionResult, type GroupReport, type RunOptions } from './pipeline';
export {
  autoExport,
  extendedExport,
  hfExport,
  type ExportFormat,
  type ExportFormatName,
  type ExportFormats,
} from './export-format';
export { Catalogue, type Choice, type ChoiceKind, type ChoiceKinds, type ChoiceOptions, type MethodRecipe } from './catalogue';
export {
  checkModelDir,
  isSyntheticModelDir,
  looksLikeHubId,
  missingModelPathError,
  ModelDirCompressor,
  SYNTHETIC_MARKER_FILE,
  type ModelDirOptions,
} from './model-dir';
export { exportLoaders, renderModelCard, SOURCE_README, type ModelCardFacts } from './model-card';
export {
  checkOutputPath,
  createParentDirs,
  describeFileSystemError,
  isFileSystemError,
  missingParentDirs,
  removeEmptyDirs,
  withPathErrors,
  type OutputPathCheck,
} from './output-path';
export {
  createPartialDir,
  partialDirFor,
  registerPartialDir,
  removePartialDirs,
  removeStalePartialDirs,
  type PartialDir,
} from './partial-dirs';
export {
  MIN_THREADED_WORK,
  runRanges,
  ThreadPool,
  sharedFloat32,
  sharedFloat64,
  sharedInt32,
  sharedThreadPool,
  splitRange,
  threadCount,
  type ThreadOptions,
  type ThreadTask,
} from './threads';
