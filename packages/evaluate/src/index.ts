export { loadRecognizer, type Recognizer, type RecognizerOptions } from './recognizer';
export { evaluate, type EvaluateOptions, type EvaluationReport, type UtteranceResult, type SkippedItem } from './evaluate';
