/** Which engines load on this machine, for `--engine` help and diagnostics. */
import { ENGINE_CANDIDATES, EngineName } from './candidates';
import { reasonOf } from './first-that-loads';

/** Whether one engine loads here, and if not, why. */
export interface EngineAvailability {
  id: EngineName;
  loaded: boolean;
  reason?: string;
}

/** Tries every engine (fastest first), disposing each one that loads. */
export async function availableEngines(): Promise<EngineAvailability[]> {
  const result: EngineAvailability[] = [];
  for (const candidate of ENGINE_CANDIDATES) {
    try {
      const engine = await candidate.create();
      await engine.dispose();
      result.push({ id: candidate.name, loaded: true });
    } catch (error) {
      result.push({ id: candidate.name, loaded: false, reason: reasonOf(error) });
    }
  }
  return result;
}
