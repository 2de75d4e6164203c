import { Command, CommanderError, Help, Option } from 'commander';
import type { Catalogue, ChoiceKind } from '@speechfold/core';
import { defaultCatalogue } from '@speechfold/presets';
import { DEFAULT_WHISPER_BATCH_SIZE } from '@speechfold/evaluate';
import { formatChoices } from './choices';
import { withProgress } from './command-run';
import { describeFailure, EXIT_OK, EXIT_USAGE } from './exit';
import { processIO, type CliIO } from './io';
import { ADAPTER_OPTION_HELP, collect, formatInspectWithAdapter, inspectWithAdapters } from './adapters';
import { runSynth } from './commands/synth';
import { formatCompressSummary, runCompress, type CompressCommandOptions } from './commands/compress';
import { formatEvalSummary, runEval, type EvalCommandOptions } from './commands/eval';
import { runImport, type ImportCommandOptions } from './commands/import';
import { formatReproduceOutcome, recordedCommand, reproduciblePolicies, runReproduce, type ReproduceCommandOptions } from './commands/reproduce';
import { runWorker, type WorkerCommandOptions } from './commands/worker';
import { installSignalHandlers } from './signals';
import { cliVersion } from './version';

/** The 'Examples:' block of a command's --help: each line a command to copy. */
function examples(...lines: string[]): string {
  return `\nExamples:\n${lines.map((l) => `  ${l}`).join('\n')}`;
}

/** Builds the command tree. Actions write through `io` and never call process.exit. */
function buildProgram(io: CliIO, argv: string[], catalogue: Catalogue): Command {
  const program = new Command('speechfold')
    .description('Data-free, training-free compression of speech foundation models by k-means channel folding.')
    .version(cliVersion(), '-V, --version', 'print the version of speechfold')
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr, outputError: () => undefined })
    // Set before the commands are added, which inherit it: options they cannot run without say so.
    .configureHelp({
      optionDescription: (option) => {
        const text = Help.prototype.optionDescription.call(new Help(), option);
        return option.mandatory ? `${text} (required)` : text;
      },
    })
    .showHelpAfterError(false)
    .addHelpText(
      'after',
      examples(
        'speechfold synth --arch whisper-tiny --out models/whisper-tiny',
        'speechfold compress models/whisper-tiny --out models/whisper-tiny-fold-10 --sparsity 0.1',
        'speechfold eval models/whisper-tiny-fold-10 --data LibriSpeech/test-clean --limit 20',
        'speechfold <command> --help    (each command\'s options and examples)',
      ),
    );

  program
    .command('inspect')
    .description('list the tensors (name, dtype, shape), parameter count and config of a checkpoint')
    .argument('<path>', 'a .safetensors file or a model dir')
    .option('--json', 'print JSON: {path, tensors: [{name, dtype, shape}], parameters, config, adapter}')
    .option('--adapter <module>', ADAPTER_OPTION_HELP, collect)
    .addHelpText('after', examples('speechfold inspect models/whisper-tiny', 'speechfold inspect models/whisper-tiny/model.safetensors --json'))
    .action(async (target: string, opts: { json?: boolean; adapter?: string[] }) => {
      const report = await inspectWithAdapters(target, opts.adapter);
      io.stdout(opts.json ? JSON.stringify(report, null, 2) + '\n' : formatInspectWithAdapter(report));
    });

  program
    .command('synth')
    .description('write a checkpoint with real HF names, shapes and config, and seeded random weights')
    .usage('--arch <arch> --out <dir> [options]')
    .requiredOption('--arch <arch>', 'hubert-tiny|hubert-base|hubert-large|whisper-tiny|whisper-tiny.en|whisper-base|whisper-large-v3')
    .requiredOption('--out <dir>', 'output dir (must not exist or be empty)')
    .option('--dtype <dtype>', 'f32|f16|bf16', 'f32')
    .option('--seed <n>', 'random seed', '0')
    .addHelpText('after', examples('speechfold synth --arch whisper-tiny --out models/whisper-tiny', 'speechfold synth --arch hubert-base --out models/hubert-base --dtype f16 --seed 1'))
    .action(async (opts: { arch: string; out: string; dtype: string; seed: string }) => {
      const result = await runSynth(opts);
      io.stdout(
        `wrote ${result.dir}: ${result.parameters.toLocaleString('en-US')} parameters, ` +
          `${(result.bytes / 1e6).toFixed(1)} MB in ${result.files.length} files\n`,
      );
    });

  // Named choices (methods, clusterers, policies, export formats, engines...) come from the catalogue:
  // a registered plugin appears here, validated and listed in --help, with no edit of this file.
  const choice = (flags: string, description: string, kind: ChoiceKind): Option =>
    new Option(flags, description).choices(catalogue.names(kind));
  const engineOption = (): Option => choice('--engine <engine>', 'numeric engine', 'engine').default('auto');

  program
    .command('compress')
    .description('compress a checkpoint dir into a smaller one (folding, or magnitude pruning as the baseline)')
    .usage('<model-dir> --out <dir> [options]')
    .argument('<model-dir>', 'a local HF checkpoint dir (config.json + model.safetensors)')
    .requiredOption('--out <dir>', 'output dir (must not exist unless --force; never the input; missing parents are created)')
    .option('--spec <file>', 'a run spec (JSON: method, sparsity, policy, groups, export, seed, ...); flags given override it')
    .addOption(choice('--method <name>', 'compression method (default fold: the chosen folding recipe; kmeans: the paper\'s)', 'method'))
    .option('--sparsity <s>', 'share of the targeted parameters to remove, in [0, 1) (default 0.1)')
    .addOption(choice('--clusterer <name>', 'folding: the clusterer (default: the method\'s recipe)', 'clusterer'))
    .option('--cap <n>', 'capped clusterer: most units per cluster, auto|2|3|... (default auto)')
    .addOption(choice('--features <name>', 'folding: what is clustered (default: the method\'s recipe)', 'features'))
    .option('--bias-correction <on|off>', 'folding: data-free bias correction (default: the method\'s recipe)')
    .addOption(choice('--policy <name>', 'how K is chosen per group (default uniform)', 'policy'))
    .option('--policy-file <file>', 'JSON options of the policy (the per-layer table for explicit)')
    .option('--groups <kinds>', 'group kinds to compress: ffn, heads (comma-separated; default ffn)')
    .addOption(choice('--export <format>', 'how the result is written (default auto: hf where a stock config can express it)', 'export'))
    .option('--seed <n>', 'random seed (k-means seeding; default 0)')
    .option('--n-init <n>', 'k-means restarts, the lowest inertia wins (default 1)')
    .addOption(new Option('--norm <norm>', 'magnitude score of a unit\'s producer rows (default l2)').choices(['l2', 'l1']))
    .option('--repair', 'folding: Fold-AR variance repair of merged units')
    .addOption(engineOption())
    .option('--report <file>', 'write the JSON report there')
    .option('--force', 'replace an existing output dir')
    .option('--adapter <module>', ADAPTER_OPTION_HELP, collect)
    .option('--quiet', 'no progress output')
    .addHelpText(
      'after',
      examples(
        'speechfold compress whisper-base --out whisper-base-fold-10 --sparsity 0.1',
        'speechfold compress whisper-base --out out/whisper-base-magnitude-20 --method magnitude --sparsity 0.2 --report out/magnitude-20.json',
        'speechfold compress m --out m2 --spec spec.json --report m2.json',
        'speechfold compress whisper-base --out whisper-base-mixed --policy mixed --export dense   (stock loaders run it)',
      ) + '\n\nEvery choice with its description: speechfold choices',
    )
    .action((input: string, opts: CompressCommandOptions & { quiet?: boolean }) =>
      withProgress(io, opts.quiet === true, (progress) => runCompress(input, opts, progress, catalogue), formatCompressSummary),
    );

  program
    .command('choices')
    .description('list the named choices (methods, clusterers, features, pruners, scorers, policies, export formats, engines)')
    .argument('[kind]', 'one kind only')
    .addHelpText('after', examples('speechfold choices', 'speechfold choices export'))
    .action((kind?: string) => io.stdout(formatChoices(catalogue, kind)));

  program
    .command('eval')
    .description('transcribe a LibriSpeech split (or a file list) with a HuBERT-CTC or Whisper checkpoint and score WER')
    .usage('<model-dir> --data <path> [options]')
    .argument('<model-dir>', 'a local checkpoint dir (stock HF or a speechfold extended export)')
    .requiredOption('--data <path>', 'a LibriSpeech split dir (speaker/chapter/*.flac + *.trans.txt) or a list file')
    .option('--limit <n>', 'only the first N utterances')
    .option('--json <file>', 'write the JSON result there')
    .addOption(engineOption())
    .option('--strict', 'stop at the first bad utterance or dataset problem (default: count and skip)')
    .option('--resample', 'resample audio that is not 16 kHz (default: such a file is skipped)')
    .option('--normalizer <style>', 'basic|whisper-english (default: whisper-english for Whisper, basic for HuBERT)')
    .option('--max-new-tokens <n>', 'Whisper: most tokens generated per utterance')
    .option('--batch-size <n>', `Whisper: utterances decoded together (default ${DEFAULT_WHISPER_BATCH_SIZE}; the transcripts do not depend on it)`)
    .option('--adapter <module>', ADAPTER_OPTION_HELP, collect)
    .option('--quiet', 'no progress output')
    .addHelpText(
      'after',
      examples(
        'speechfold eval whisper-base-fold-10 --data LibriSpeech/test-clean --json out/wer.json',
        'speechfold eval hubert-base --data list.tsv --limit 50 --normalizer basic   (list.tsv: path<TAB>reference per line)',
      ),
    )
    .action((modelDir: string, opts: EvalCommandOptions & { quiet?: boolean }) =>
      withProgress(io, opts.quiet === true, (progress) => runEval(modelDir, opts, progress, catalogue), formatEvalSummary),
    );

  program
    .command('import')
    .description('convert a checkpoint of another format into an HF-layout dir (formats: ctranslate2)')
    .usage('<format> <dir> --out <hf-dir> [options]')
    .argument('<format>', 'ctranslate2 (a faster-whisper / CTranslate2 Whisper model dir)')
    .argument('<dir>', 'the model dir (config.json, tokenizer.json, model.bin)')
    .requiredOption('--out <dir>', 'output HF checkpoint dir (must not exist or be empty)')
    .option('--parts <files>', 'model.bin split into parts: the part files, comma-separated, in order')
    .option('--dtype <dtype>', 'f16|f32 (default: f16 when every weight is f16)')
    .addHelpText(
      'after',
      examples(
        'speechfold import ctranslate2 faster-whisper-base --out models/whisper-base',
        'speechfold import ctranslate2 data --out models/whisper-base --parts data/model.bin.part1,data/model.bin.part2',
      ),
    )
    .action(async (format: string, dir: string, opts: ImportCommandOptions) => {
      const result = await runImport(format, dir, opts);
      io.stdout(`wrote ${opts.out}: ${result.parameters.toLocaleString('en-US')} parameters, ${result.files.length} files\n`);
    });

  program
    .command('reproduce')
    .description('the paper\'s comparison: compress at each sparsity with each method and policy, evaluate WER on each set (resumable)')
    .usage('--model <dir> --data <dirs> --out <dir> [options]')
    .requiredOption('--model <dir>', 'the uncompressed checkpoint dir')
    .requiredOption('--data <dirs>', 'split dirs, comma-separated (e.g. .../test-clean,.../test-other)')
    .requiredOption('--out <dir>', 'results dir: table.md, results.json, *.svg, models/, cells/ (reused to resume)')
    .option('--sparsities <list>', 'comma-separated sparsities', '0.1,0.2,0.5')
    // reproduce compresses with the shipped catalogue's methods and policies (@speechfold/reproduce).
    .option('--methods <list>', `comma-separated, of: ${defaultCatalogue().names('method').join(', ')}`, 'fold,magnitude')
    .option('--policies <list>', `comma-separated, of: ${reproduciblePolicies().join(', ')}`, 'uniform,mixed')
    .option('--groups <kinds>', 'group kinds to compress', 'ffn')
    .option('--seed <n>', 'k-means seed', '0')
    .option('--limit <n>', 'only the first N utterances of each set')
    .option('--max-new-tokens <n>', 'Whisper: most tokens generated per utterance')
    .addOption(engineOption())
    .option('--report-only', 'compute nothing: write the table and plots from the cells already finished')
    .option('--force', 'start afresh: remove the cells and models of an earlier run with other settings in --out')
    .option('--queue <url>', 'enqueue the missing models and cells as BullMQ jobs on this Redis (redis://host:port/db) for `speechfold worker`s, instead of computing them here')
    .option('--wait', 'with --queue: follow the jobs (cells done, running, failed) and write the table when they are done')
    .option('--quiet', 'no progress output')
    .addHelpText(
      'after',
      examples(
        'speechfold reproduce --model models/whisper-base --data LibriSpeech/test-clean,LibriSpeech/test-other --out results/whisper-base',
        'speechfold reproduce --model /shared/whisper-base --data /shared/test-clean --out /shared/results --queue redis://redis-host:6379/0 --wait',
        'speechfold reproduce --model models/whisper-tiny --data LibriSpeech/test-clean --out results/tiny --sparsities 0.1 --limit 20',
        'speechfold reproduce --model models/whisper-base --data LibriSpeech/test-clean --out results/whisper-base --report-only',
      ),
    )
    .action((opts: ReproduceCommandOptions & { quiet?: boolean }) =>
      withProgress(
        io,
        opts.quiet === true,
        (progress) => runReproduce(opts, recordedCommand(argv), progress, catalogue),
        (outcome) => formatReproduceOutcome(outcome, opts),
      ),
    );

  program
    .command('worker')
    .description('run queued reproduce jobs (speechfold reproduce --queue) on this machine until stopped (Ctrl-C)')
    .usage('--queue <url> [options]')
    .requiredOption('--queue <url>', 'the Redis the jobs are on, e.g. redis://localhost:6379/0')
    .option('--concurrency <n>', 'jobs run at a time', '1')
    .option('--lock-seconds <s>', 'a job of a worker that died goes to another worker after about this long', '30')
    .addOption(engineOption())
    .addHelpText(
      'after',
      examples('speechfold worker --queue redis://localhost:6379/0', 'speechfold worker --queue redis://redis-host:6379/0 --concurrency 2'),
    )
    .action((opts: WorkerCommandOptions) => runWorker(opts, io, catalogue));

  return program;
}

/**
 * Runs the CLI on `argv` (without node and script) and resolves to the exit code; `catalogue` holds
 * the named choices it offers (default: the shipped ones).
 */
export async function main(argv: string[], io: CliIO = processIO, catalogue: Catalogue = defaultCatalogue()): Promise<number> {
  const program = buildProgram(io, argv, catalogue);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return EXIT_OK;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.exitCode === 0) return EXIT_OK; // --help, --version
      // Bare `speechfold` (no command): commander printed the help on stderr; a usage error, as commander has it.
      if (error.code === 'commander.help') return EXIT_USAGE;
      io.stderr(`speechfold: ${error.message.replace(/^error: /, '')}\n`);
      return EXIT_USAGE;
    }
    const { line, code } = describeFailure(error);
    io.stderr(line + '\n');
    return code;
  }
}

/** The `speechfold` executable: main on the process's streams, with SIGINT/SIGTERM handled (see signals.ts). */
export async function runProcess(argv: string[]): Promise<number> {
  const uninstall = installSignalHandlers(processIO);
  try {
    return await main(argv, processIO);
  } finally {
    uninstall();
  }
}
