/** Loading onnxruntime-node, with every failure turned into an EngineError the loader can report. */
import { EngineError } from '@speechfold/core';
import type * as Ort from 'onnxruntime-node';

/** The onnxruntime-node module's API. */
export type OrtModule = typeof Ort;

/** Requires onnxruntime-node (or `moduleName`, for tests); throws EngineError if it cannot be loaded. */
export function requireOnnxruntime(moduleName: string = 'onnxruntime-node'): OrtModule {
  try {
    // A plain require keeps the module optional at run time: a missing package is an EngineError here,
    // not a crash when this file is imported.
    return require(moduleName) as OrtModule;
  } catch (error) {
    // MODULE_NOT_FOUND for a dependency of the package (not the package itself) means a broken install.
    const notFound = (error as { code?: unknown }).code === 'MODULE_NOT_FOUND' && messageOf(error).includes(`'${moduleName}'`);
    const why = notFound ? `${moduleName} is not installed` : `${moduleName} failed to load: ${messageOf(error)}`;
    throw new EngineError('onnxruntime', why, { cause: error });
  }
}

/** An error message, whatever was thrown. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
