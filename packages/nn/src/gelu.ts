/** GELU as torch's default (approximate='none'): x * Phi(x) = x/2 * (1 + erf(x / sqrt 2)). */
import { erf } from './erf';

const INV_SQRT2 = 1 / Math.sqrt(2);

/** GELU of one value. */
export function geluScalar(x: number): number {
  return 0.5 * x * (1 + erf(x * INV_SQRT2));
}

/** Applies GELU to every value of x, in place; returns x. */
export function geluInPlace(x: Float32Array): Float32Array {
  for (let i = 0; i < x.length; i++) x[i] = geluScalar(x[i]);
  return x;
}

/** GELU of every value of x, as a new array. */
export function gelu(x: Float32Array): Float32Array {
  return geluInPlace(new Float32Array(x));
}
