/** Shape checks shared by the ops: a wrong shape is a caller's bug, reported with the op's name. */
import { Matrix, MethodError, Tensor } from '@speechfold/core';

/** A MethodError naming the op. */
export function shapeError(op: string, message: string): MethodError {
  return new MethodError({}, `${op}: ${message}`);
}

/** Throws unless m.data holds exactly rows * cols values. */
export function checkMatrix(op: string, name: string, m: Matrix): void {
  if (!Number.isInteger(m.rows) || !Number.isInteger(m.cols) || m.rows < 0 || m.cols < 0 || m.data.length !== m.rows * m.cols) {
    throw shapeError(op, `${name} claims ${m.rows}x${m.cols} but holds ${m.data.length} values`);
  }
}

/** Throws unless t has exactly the expected shape. */
export function checkTensorShape(op: string, name: string, t: Tensor, expected: readonly number[]): void {
  const same = t.shape.length === expected.length && t.shape.every((d, i) => d === expected[i]);
  if (!same) throw shapeError(op, `${name} has shape [${t.shape.join(', ')}], expected [${expected.join(', ')}]`);
  if (t.data.length !== expected.reduce((n, d) => n * d, 1)) throw shapeError(op, `${name} holds ${t.data.length} values for shape [${t.shape.join(', ')}]`);
}
