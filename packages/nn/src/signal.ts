/** Channel-major 1-D signals ([channels, length], as torch's Conv1d sees one item) and their conversions. */
import { Matrix } from '@speechfold/core';
import { shapeError } from './checks';
import { transpose } from './matmul';

/** A row-major [channels, length] array: channel c occupies data[c * length, (c + 1) * length). */
export interface Signal {
  channels: number;
  length: number;
  data: Float32Array;
}

/** Throws unless x.data holds exactly channels * length values. */
export function checkSignal(op: string, name: string, x: Signal): void {
  if (!Number.isInteger(x.channels) || !Number.isInteger(x.length) || x.channels < 0 || x.length < 0 || x.data.length !== x.channels * x.length) {
    throw shapeError(op, `${name} claims ${x.channels} channels x ${x.length} but holds ${x.data.length} values`);
  }
}

/** The signal as a time-major [length, channels] matrix (a copy). */
export function signalToFrames(x: Signal): Matrix {
  checkSignal('signalToFrames', 'x', x);
  return transpose({ data: x.data, rows: x.channels, cols: x.length });
}

/** A time-major [length, channels] matrix as a channel-major signal (a copy). */
export function framesToSignal(m: Matrix): Signal {
  const t = transpose(m);
  return { channels: t.rows, length: t.cols, data: t.data };
}
