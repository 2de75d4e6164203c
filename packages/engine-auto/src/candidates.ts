/**
 * The engines this package can load, fastest first, and which of them each `--engine` id tries.
 * The order comes from measurements on these machines (docs/ENGINES.md): tfjs-node > onnxruntime
 * (~97-168 GFLOP/s) > tfjs-wasm (~20-30 GFLOP/s, one thread in Node).
 *
 * The engine packages are optional peer dependencies: each is required only when its candidate is
 * tried, so one that is not installed is a skipped candidate ("... is not installed"), not a crash
 * when this package is imported. Their own native dependencies (onnxruntime-node, tfjs-node) are
 * required lazily by them in the same way.
 */
import { EngineError, EngineId, TensorEngine } from '@speechfold/core';
import type * as OnnxruntimeEnginePackage from '@speechfold/engine-onnxruntime';
import type * as TfjsEnginePackage from '@speechfold/engine-tfjs';

/** A concrete engine, as named by TensorEngine.name. */
export type EngineName = 'tfjs-node' | 'onnxruntime' | 'tfjs-wasm';

/** One engine this package can try to load. */
export interface EngineCandidate {
  name: EngineName;
  /** Creates the engine; throws (EngineError, normally) if it cannot load here. */
  create(): Promise<TensorEngine>;
}

/** The engine packages this package loads when they are installed (optional peer dependencies). */
export const ENGINE_PACKAGES = ['@speechfold/engine-onnxruntime', '@speechfold/engine-tfjs'] as const;

/** An error message, whatever was thrown. */
function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Runs `load` (a `require` of `packageName`); throws EngineError for `engineName` saying the package
 * is not installed when it cannot be found, or that it failed to load (a broken install: one of its
 * own dependencies is missing, say).
 */
export function requireEnginePackage<T>(packageName: string, engineName: EngineName, load: () => T): T {
  try {
    return load();
  } catch (error) {
    const notFound = (error as { code?: unknown }).code === 'MODULE_NOT_FOUND' && messageOf(error).includes(`'${packageName}'`);
    const why = notFound ? `${packageName} is not installed` : `${packageName} failed to load: ${messageOf(error)}`;
    throw new EngineError(engineName, why, { cause: error });
  }
}

// Plain requires with literal names inside functions: nothing is loaded until a candidate is tried,
// and bundlers still see which packages may be needed.
function onnxruntimeEnginePackage(): typeof OnnxruntimeEnginePackage {
  return requireEnginePackage('@speechfold/engine-onnxruntime', 'onnxruntime', () => require('@speechfold/engine-onnxruntime'));
}

function tfjsEnginePackage(engineName: EngineName): typeof TfjsEnginePackage {
  return requireEnginePackage('@speechfold/engine-tfjs', engineName, () => require('@speechfold/engine-tfjs'));
}

/** Every engine, fastest first. */
export const ENGINE_CANDIDATES: readonly EngineCandidate[] = [
  { name: 'tfjs-node', create: async () => tfjsEnginePackage('tfjs-node').createTfjsEngine({ backend: 'node' }) },
  { name: 'onnxruntime', create: async () => onnxruntimeEnginePackage().createOnnxruntimeEngine() },
  { name: 'tfjs-wasm', create: async () => tfjsEnginePackage('tfjs-wasm').createTfjsEngine({ backend: 'wasm' }) },
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
