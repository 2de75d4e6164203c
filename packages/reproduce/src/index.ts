export {
  computeCell,
  computeModel,
  openReproduction,
  pendingWork,
  reportReproduction,
  reproduce,
  type PendingWork,
  type Reproduction,
} from './reproduce';
export type { Variant } from './plan';
export type { CellResult, ReproduceOptions, ReproduceResult, VariantWidths } from './types';
