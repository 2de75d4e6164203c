export { reproduce } from './reproduce';
export type { CellResult, ReproduceOptions, ReproduceResult, VariantWidths } from './types';
