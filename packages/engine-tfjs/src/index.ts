export { createTfjsEngine } from './tfjs-engine';
export type { TfjsEngineOptions, TfjsBackendChoice } from './tfjs-engine';
