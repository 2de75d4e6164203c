export { reproduce, type ReproduceOptions, type ReproduceResult, type CellResult, type VariantWidths } from './reproduce';
export { planVariants, splitName, variantSettings, type Variant } from './plan';
export { runInputs, differences, runFingerprint, modelFingerprint, cellFingerprint, type RunInputs, type SplitIdentity } from './fingerprint';
export { checkCell, checkVariantReport, type StoredCell, type VariantReport } from './cell-schema';
export { RUN_FILE, type RunRecord } from './run-record';
export { renderTable } from './table';
export { renderPlots } from './plots';
export { lineChart, type ChartSpec, type Series } from './svg';
