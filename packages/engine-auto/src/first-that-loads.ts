/** Trying engines in order and keeping, for each one skipped, the reason it did not load. */
import { EngineError, TensorEngine } from '@speechfold/core';
import { EngineCandidate, EngineName } from './candidates';

/** An engine that did not load, and why. */
export interface SkippedEngine {
  name: EngineName;
  reason: string;
}

/** The engine that loaded, and those tried before it. */
export interface LoadedEngine {
  engine: TensorEngine;
  skipped: SkippedEngine[];
}

/** Why an engine failed to load, without EngineError's "engine 'x': " prefix (the name goes beside it). */
export function reasonOf(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return error instanceof EngineError ? message.replace(/^engine '[^']*': /, '') : message;
}

/**
 * Creates the first candidate that loads. Any failure moves on to the next one: a broken native
 * install must not stop a slower engine from working. Throws EngineError naming `label` and every
 * reason if none loads.
 */
export async function firstThatLoads(label: string, candidates: readonly EngineCandidate[]): Promise<LoadedEngine> {
  const skipped: SkippedEngine[] = [];
  for (const candidate of candidates) {
    try {
      return { engine: await candidate.create(), skipped };
    } catch (error) {
      // One candidate only: its own error already says everything; keep it (and its cause) intact.
      if (candidates.length === 1 && error instanceof EngineError) throw error;
      skipped.push({ name: candidate.name, reason: reasonOf(error) });
    }
  }
  const reasons = skipped.map((s) => `${s.name}: ${s.reason}`).join('; ');
  throw new EngineError(label, `no engine loads here (${reasons})`);
}
