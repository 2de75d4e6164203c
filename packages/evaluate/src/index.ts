export { loadRecognizer, DEFAULT_WHISPER_BATCH_SIZE, WHISPER_WINDOW_SECONDS, type Recognizer, type RecognizerOptions, type LengthProblem } from './recognizer';
export { evaluate, type EvaluateOptions, type EvaluationReport, type UtteranceResult } from './evaluate';
export { skippedProblem, type SkippedItem, type SkipReason } from './skipped';
