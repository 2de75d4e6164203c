export { reproduce, type ReproduceOptions, type ReproduceResult, type CellResult, type VariantWidths } from './reproduce';
export { planVariants, splitName, type Variant } from './plan';
export { renderTable } from './table';
export { renderPlots } from './plots';
export { lineChart, type ChartSpec, type Series } from './svg';
