export { Ct2Model, openCTranslate2Model } from './ct2-model';
export { CT2_DTYPES, CT2_TO_DTYPE, type Ct2DType } from './format';
export { applyScale, decodeValues } from './dequantize';
export { readWhisperDims, WHISPER_SPEC, WHISPER_SPEC_REVISION, type Ct2WhisperDims } from './whisper-dims';
export { ct2SourceOf, type Ct2Source } from './whisper-names';
export { readTokenizerJson, type TokenizerJson, type AddedToken } from './tokenizer-json';
export {
  importCTranslate2Whisper,
  type ImportCTranslate2WhisperOptions,
  type ImportCTranslate2WhisperResult,
} from './import-whisper';
