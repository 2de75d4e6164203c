/**
 * Loading a TensorFlow.js backend and making it the active one. tfjs picks a backend per process, so
 * this verifies the one asked for really is active: a silent fall-back to the tfjs-cpu backend would
 * run heavy work ~30x slower than wasm (docs: ENGINES.md).
 */
import * as path from 'path';
import { EngineError } from '@speechfold/core';
import type * as TfCore from '@tensorflow/tfjs-core';
import type * as TfWasm from '@tensorflow/tfjs-backend-wasm';

/** The tfjs API this engine uses (tfjs-core's; @tensorflow/tfjs-node re-exports the same). */
export type TfModule = typeof TfCore;

/** Which tfjs backend to load. */
export type TfjsBackendKind = 'node' | 'wasm';

/** A loaded, active backend. */
export interface LoadedBackend {
  /** Engine name: 'tfjs-node' or 'tfjs-wasm'. */
  engineName: 'tfjs-node' | 'tfjs-wasm';
  /** tfjs's own backend name: 'tensorflow' or 'wasm'. */
  backendName: 'tensorflow' | 'wasm';
  tf: TfModule;
}

/** An error message, whatever was thrown. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Requires a module; throws EngineError for `engineName` if it is missing or fails to load. */
export function requireModule<T>(moduleName: string, engineName: string): T {
  try {
    // A plain require, so a missing optional package is an EngineError here, not a crash at import.
    return require(moduleName) as T;
  } catch (error) {
    const notFound = (error as { code?: unknown }).code === 'MODULE_NOT_FOUND' && messageOf(error).includes(`'${moduleName}'`);
    const why = notFound ? `${moduleName} is not installed` : `${moduleName} failed to load: ${messageOf(error)}`;
    throw new EngineError(engineName, why, { cause: error });
  }
}

/** Makes `backendName` the active tfjs backend; throws EngineError unless it really is afterwards. */
export async function activateBackend(tf: TfModule, backendName: string, engineName: string): Promise<void> {
  let ok: boolean;
  try {
    ok = await tf.setBackend(backendName);
    await tf.ready();
  } catch (error) {
    throw new EngineError(engineName, `tfjs backend '${backendName}' failed to initialise: ${messageOf(error)}`, { cause: error });
  }
  const active = tf.getBackend();
  if (!ok || active !== backendName) {
    throw new EngineError(engineName, `tfjs backend '${backendName}' did not become active (active: '${active}')`);
  }
}

/** The directory holding tfjs-backend-wasm's .wasm binaries. */
function wasmDirectory(): string {
  return path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'));
}

/** Loads @tensorflow/tfjs-node and activates its 'tensorflow' backend. */
export async function loadNodeBackend(moduleName: string = '@tensorflow/tfjs-node'): Promise<LoadedBackend> {
  // libtensorflow logs CPU-feature notices to stderr on load; libraries here never print, so quieten
  // it unless the user chose a level.
  process.env.TF_CPP_MIN_LOG_LEVEL ??= '2';
  const tf = requireModule<TfModule>(moduleName, 'tfjs-node');
  await activateBackend(tf, 'tensorflow', 'tfjs-node');
  return { engineName: 'tfjs-node', backendName: 'tensorflow', tf };
}

/** Loads tfjs-core with the wasm backend (SIMD; single-threaded in Node) and activates it. */
export async function loadWasmBackend(): Promise<LoadedBackend> {
  const tf = requireModule<TfModule>('@tensorflow/tfjs-core', 'tfjs-wasm');
  const wasm = requireModule<typeof TfWasm>('@tensorflow/tfjs-backend-wasm', 'tfjs-wasm');
  try {
    // In Node the binaries are read from disk; tell the backend where its package put them.
    wasm.setWasmPaths(wasmDirectory() + path.sep);
  } catch (error) {
    throw new EngineError('tfjs-wasm', `cannot locate the wasm binaries: ${messageOf(error)}`, { cause: error });
  }
  await activateBackend(tf, 'wasm', 'tfjs-wasm');
  return { engineName: 'tfjs-wasm', backendName: 'wasm', tf };
}
