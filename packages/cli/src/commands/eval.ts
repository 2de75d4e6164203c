import { checkOutputPath, isSyntheticModelDir, OptionError, SYNTHETIC_MARKER_FILE, type Catalogue, type ProgressListener } from '@speechfold/core';
import { evaluate, loadRecognizer, type EvaluationReport } from '@speechfold/evaluate';
import { defaultCatalogue } from '@speechfold/presets';
import { checkModelWithAdapters, commandAdapters } from '../adapters';
import { withEngine } from '../command-run';
import { writeJsonAtomic } from '../json-file';
import { positiveInt } from '../options';

/** Options of `speechfold eval`, as commander parses them. */
export interface EvalCommandOptions {
  data: string;
  limit?: string;
  json?: string;
  engine: string;
  strict?: boolean;
  resample?: boolean;
  normalizer?: string;
  maxNewTokens?: string;
  batchSize?: string;
  /** --adapter modules (repeatable): adapters tried before the built-in ones to check the checkpoint. */
  adapter?: string[];
}

/** The JSON `--json` writes: the evaluation plus model, data and engine (documented in the README). */
export interface EvalJson extends EvaluationReport {
  model: string;
  data: string;
  engine: string;
  engineChoice: string;
  /** The model is a synthetic checkpoint (speechfold-synthetic.json): random weights, a meaningless WER. */
  synthetic: boolean;
}

/** Checks the options, loads the model and evaluates it. */
export async function runEval(
  modelDir: string,
  opts: EvalCommandOptions,
  progress: ProgressListener,
  catalogue: Catalogue = defaultCatalogue(),
): Promise<EvalJson> {
  const limit = positiveInt('--limit', opts.limit);
  const maxNewTokens = positiveInt('--max-new-tokens', opts.maxNewTokens);
  const batchSize = positiveInt('--batch-size', opts.batchSize);
  if (opts.normalizer !== undefined && opts.normalizer !== 'basic' && opts.normalizer !== 'whisper-english') {
    throw new OptionError('--normalizer', `expected basic or whisper-english, got '${opts.normalizer}'`);
  }
  catalogue.get('engine', opts.engine, '--engine');
  const adapters = await commandAdapters(opts.adapter);
  // Checked before the evaluation: never written over the model or the data, never found unwritable at the end.
  if (opts.json !== undefined) await checkOutputPath(opts.json, { option: '--json', inputs: [modelDir, opts.data], kind: 'file' });
  return withEngine(catalogue, opts.engine, progress, async (engine, engineChoice) => {
    await checkModelWithAdapters(modelDir, adapters);
    const recognizer = await loadRecognizer(modelDir, engine, { maxNewTokens, batchSize });
    const report = await evaluate(recognizer, {
      data: opts.data,
      limit,
      strict: opts.strict === true,
      resample: opts.resample === true,
      normalizer: opts.normalizer as 'basic' | 'whisper-english' | undefined,
      progress,
    });
    // Said once the evaluation is done, just above its WER (a refused input gets its one error line only).
    const synthetic = await isSyntheticModelDir(modelDir);
    if (synthetic) {
      progress({
        type: 'warning',
        message: `${modelDir} is a synthetic checkpoint (${SYNTHETIC_MARKER_FILE}): its weights are random, so the WER below is meaningless`,
      });
    }
    const json: EvalJson = {
      model: modelDir,
      data: opts.data,
      engine: engine.name,
      engineChoice,
      synthetic,
      ...report,
    };
    if (opts.json !== undefined) await writeJsonAtomic(opts.json, json);
    return json;
  });
}

/** A short human summary of an evaluation. */
export function formatEvalSummary(r: EvalJson): string {
  const lines = [
    `WER ${(100 * r.wer).toFixed(2)}% on ${r.utterances.length} utterances, ${r.words} words ` +
      `(S ${r.substitutions}, D ${r.deletions}, I ${r.insertions}; normaliser ${r.normalizer})`,
    `${r.seconds.toFixed(1)} s for ${r.audioSeconds.toFixed(1)} s of audio (real-time factor ${r.rtf.toFixed(3)}); ${r.engineChoice}`,
  ];
  if (r.skipped.length > 0) {
    lines.push(`skipped ${r.skipped.length}:`);
    for (const s of r.skipped) lines.push(`  ${s.id ?? s.file}: ${s.message}`);
  }
  return lines.join('\n') + '\n';
}
