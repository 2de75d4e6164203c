/** Loading the engine a user asked for with `--engine`, saying which one was chosen and why. */
import { EngineId, OptionError, ProgressListener, silentProgress, TensorEngine } from '@speechfold/core';
import { candidatesFor, ENGINE_IDS } from './candidates';
import { firstThatLoads, SkippedEngine } from './first-that-loads';

/** The one-line explanation of the choice, e.g. "engine onnxruntime (tfjs-node skipped: ...)". */
function describeChoice(id: EngineId, name: string, skipped: readonly SkippedEngine[]): string {
  const asked = id === 'auto' ? 'fastest that loads' : `--engine ${id}`;
  const skips = skipped.map((s) => `; ${s.name} skipped: ${s.reason}`).join('');
  return `engine ${name} (${asked}${skips})`;
}

/** Checks an engine id a user typed; throws OptionError naming --engine and the choices. */
export function parseEngineId(value: string): EngineId {
  if ((ENGINE_IDS as readonly string[]).includes(value)) return value as EngineId;
  throw new OptionError('--engine', `unknown engine '${value}'; choose one of: ${ENGINE_IDS.join(', ')}`);
}

/**
 * Loads an engine: 'auto' tries tfjs-node, then onnxruntime, then tfjs-wasm; 'tfjs' tries tfjs-node,
 * then tfjs-wasm; 'onnxruntime' and 'wasm' load just that one. Emits one `info` event naming the
 * engine chosen and why faster ones were skipped; throws EngineError if nothing loads.
 */
export async function loadEngine(id: EngineId = 'auto', onEvent: ProgressListener = silentProgress): Promise<TensorEngine> {
  const checked = parseEngineId(id);
  const { engine, skipped } = await firstThatLoads(checked, candidatesFor(checked));
  onEvent({ type: 'info', message: describeChoice(checked, engine.name, skipped) });
  return engine;
}
