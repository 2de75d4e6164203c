import cliProgress from 'cli-progress';
import type { ProgressEvent, ProgressListener } from '@speechfold/core';
import type { CliIO } from './io';

/**
 * Renders progress events: a bar with ETA per stage on a terminal, plain lines otherwise
 * (one line per step is too chatty for logs, so plain mode prints every ~10% and the last step).
 */
export function createProgressRenderer(io: CliIO, quiet: boolean): { listener: ProgressListener; stop: () => void } {
  let bar: cliProgress.SingleBar | null = null;
  let lastPlain = -1;
  const stop = (): void => {
    bar?.stop();
    bar = null;
  };
  const listener = (event: ProgressEvent): void => {
    if (event.type === 'warning') {
      stop();
      io.stderr(`warning: ${event.message}\n`);
      return;
    }
    if (quiet) return;
    if (event.type === 'info') {
      stop();
      io.stderr(`${event.message}\n`);
    } else if (event.type === 'stage') {
      stop();
      lastPlain = -1;
      if (io.isTTY && event.total !== undefined && event.total > 0) {
        bar = new cliProgress.SingleBar(
          { format: `${event.stage.padEnd(9)} [{bar}] {value}/{total} | ETA {eta_formatted} | {item}`, hideCursor: true },
          cliProgress.Presets.shades_classic,
        );
        bar.start(event.total, 0, { item: '' });
      } else if (!io.isTTY) {
        io.stderr(`${event.stage}${event.total ? ` (${event.total})` : ''}\n`);
      }
    } else if (event.type === 'step') {
      if (bar) {
        bar.update(event.done, { item: event.item ?? '' });
        if (event.done >= event.total) stop();
      } else if (!io.isTTY) {
        const decile = Math.floor((10 * event.done) / event.total);
        if (decile > lastPlain || event.done === event.total) {
          lastPlain = decile;
          io.stderr(`  ${event.stage} ${event.done}/${event.total}${event.item ? ` ${event.item}` : ''}\n`);
        }
      }
    }
  };
  return { listener, stop };
}
