/**
 * What the computing commands (compress, eval, reproduce) share around their work: a progress renderer
 * on stderr, and an engine made by its catalogue entry (--engine); both released whatever happens.
 */
import { createContainer, provide, TOKENS, type Catalogue, type ProgressListener, type TensorEngine } from '@speechfold/core';
import type { CliIO } from './io';
import { createProgressRenderer } from './progress';

/**
 * Runs `work` with a progress listener (a bar on a terminal, plain lines otherwise, nothing but
 * warnings when `quiet`), then prints `summary` of its result on stdout; the renderer is stopped
 * before the summary and whatever happens.
 */
export async function withProgress<T>(
  io: CliIO,
  quiet: boolean,
  work: (progress: ProgressListener) => Promise<T>,
  summary: (result: T) => string,
): Promise<void> {
  const renderer = createProgressRenderer(io, quiet);
  try {
    const result = await work(renderer.listener);
    renderer.stop();
    io.stdout(summary(result));
  } finally {
    renderer.stop();
  }
}

/**
 * Makes the engine `name` (a catalogue 'engine'; an unknown name is an OptionError naming --engine),
 * runs `work` on it and disposes it whatever happens. Why this engine was chosen (e.g. "engine
 * onnxruntime (fastest that loads; ...)") is handed to `work` as `choice` for its summary and report,
 * not sent to `progress`, so that a refused input prints exactly one line; warnings go to `progress`.
 */
export async function withEngine<T>(
  catalogue: Catalogue,
  name: string,
  progress: ProgressListener,
  work: (engine: TensorEngine, choice: string) => Promise<T>,
): Promise<T> {
  const notes: string[] = [];
  const c = createContainer();
  provide(c, TOKENS.ProgressListener, (e) => (e.type === 'info' ? void notes.push(e.message) : progress(e)));
  const engine = await catalogue.create('engine', name, c, {}, '--engine');
  try {
    return await work(engine, notes.join('; ') || `engine ${engine.name}`);
  } finally {
    await engine.dispose();
  }
}
