/** Typed progress events. Libraries emit them; only the CLI draws bars or prints. */
export type ProgressEvent =
  | { type: 'stage'; stage: string; total?: number }
  | { type: 'step'; stage: string; done: number; total: number; item?: string }
  | { type: 'info'; message: string }
  | { type: 'warning'; message: string };

/** Receives progress events. */
export type ProgressListener = (event: ProgressEvent) => void;

/** A listener that ignores everything. */
export const silentProgress: ProgressListener = () => undefined;
