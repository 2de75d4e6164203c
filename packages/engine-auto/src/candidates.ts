/**
 * The engines this package can load, fastest first, and which of them each `--engine` id tries.
 * The order comes from measurements on these machines (docs: ENGINES.md): tfjs-node > onnxruntime
 * (~97-168 GFLOP/s) > tfjs-wasm (~20-30 GFLOP/s, one thread in Node).
 */
import { EngineId, TensorEngine } from '@speechfold/core';
import { createOnnxruntimeEngine } from '@speechfold/engine-onnxruntime';
import { createTfjsEngine } from '@speechfold/engine-tfjs';

/** A concrete engine, as named by TensorEngine.name. */
export type EngineName = 'tfjs-node' | 'onnxruntime' | 'tfjs-wasm';

/** One engine this package can try to load. */
export interface EngineCandidate {
  name: EngineName;
  /** Creates the engine; throws (EngineError, normally) if it cannot load here. */
  create(): Promise<TensorEngine>;
}

/** Every engine, fastest first. */
export const ENGINE_CANDIDATES: readonly EngineCandidate[] = [
  { name: 'tfjs-node', create: () => createTfjsEngine({ backend: 'node' }) },
  { name: 'onnxruntime', create: () => createOnnxruntimeEngine() },
  { name: 'tfjs-wasm', create: () => createTfjsEngine({ backend: 'wasm' }) },
];

/** The ids a user may pass to `--engine`, in the order help text lists them. */
export const ENGINE_IDS: readonly EngineId[] = ['auto', 'tfjs', 'onnxruntime', 'wasm'];

// 'tfjs' is createTfjsEngine's 'best' (node, else wasm), spelled out so a skip can say why.
const CHAINS: Record<EngineId, readonly EngineName[]> = {
  auto: ['tfjs-node', 'onnxruntime', 'tfjs-wasm'],
  tfjs: ['tfjs-node', 'tfjs-wasm'],
  onnxruntime: ['onnxruntime'],
  wasm: ['tfjs-wasm'],
};

/** The candidates an engine id tries, in order. */
export function candidatesFor(id: EngineId): EngineCandidate[] {
  return CHAINS[id].map((name) => ENGINE_CANDIDATES.find((candidate) => candidate.name === name) as EngineCandidate);
}
