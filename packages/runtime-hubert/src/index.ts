export { loadHubert, HubertModel } from './model';
export { MissingCtcHeadError } from './errors';
export { prepareInput, readPreprocessor, DEFAULT_PREPROCESSOR } from './preprocess';
export type { HubertPreprocessor } from './preprocess';
export { argmaxRows, collapseCtc, ctcDecode } from './ctc';
export { readVocabulary } from './vocabulary';
export type { CtcVocabulary } from './vocabulary';
export { weightNormDim2 } from './weight-norm';
