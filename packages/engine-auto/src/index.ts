export { loadEngine, parseEngineId } from './load-engine';
export { availableEngines } from './available-engines';
export type { EngineAvailability } from './available-engines';
export { ENGINE_IDS } from './candidates';
export type { EngineName } from './candidates';
