export { loadHubert, HubertModel, type HubertLoadOptions } from './model';
export { MissingCtcHeadError, InputLengthError } from './errors';
export {
  DEFAULT_MAX_SECONDS,
  receptiveField,
  inputLengthLimits,
  inputLengthProblem,
  type InputLengthLimits,
  type InputLengthProblem,
  type ConvGeometry,
} from './input-length';
export { prepareInput } from './preprocess';
export type { HubertPreprocessor } from './preprocess';
export { argmaxRows, collapseCtc, ctcDecode } from './ctc';
export { readVocabulary } from './vocabulary';
export type { CtcVocabulary } from './vocabulary';
export { weightNormDim2 } from './weight-norm';
export { buildHubertGraph, type HubertGraphMode, type HubertGraphSpec, type GraphAttention } from './forward-graph';
