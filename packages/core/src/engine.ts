/**
 * The numeric kernels the method needs. Matrices are dense, row-major fp32.
 * Implementations live in the engine-* packages; nothing else does heavy arithmetic.
 */

/** A row-major matrix view: `data.length === rows * cols`. */
export interface Matrix {
  data: Float32Array;
  rows: number;
  cols: number;
}

/** Result of assigning each row of X to its nearest row of C. */
export interface NearestResult {
  /** Index into C of the nearest row, per row of X. */
  index: Int32Array;
  /** Squared Euclidean distance to that row, per row of X (clamped at 0). */
  distance: Float32Array;
}

/** GEMM options: C = op(A) x op(B) where op transposes when asked. */
export interface MatmulOptions {
  transposeA?: boolean;
  transposeB?: boolean;
}

/** A numeric backend. Every method is pure: inputs are not modified. */
export interface TensorEngine {
  /** Short id, e.g. 'onnxruntime', 'tfjs-node', 'tfjs-wasm'. */
  readonly name: string;
  /** op(A) x op(B). */
  matmul(a: Matrix, b: Matrix, options?: MatmulOptions): Promise<Matrix>;
  /** For every row of X the nearest row of C by squared Euclidean distance (ties: lowest index). */
  nearest(x: Matrix, c: Matrix): Promise<NearestResult>;
  /** Squared Euclidean distances, X.rows x C.rows. */
  squaredDistances(x: Matrix, c: Matrix): Promise<Matrix>;
  /** Squared L2 norm of every row. */
  rowSquaredNorms(x: Matrix): Promise<Float32Array>;
  /**
   * Optional: A B^T, plus rowBias[i] on every value of row i when given, with every product and sum
   * in float64 and each result rounded to float32 once. The values are those of a float64 loop in
   * any order (a sum's last float64 bits depend on the order, so a value lying on a float32
   * rounding boundary could differ; none of 1M values did in the conformance test). Engines without
   * float64 arithmetic leave it out, and callers then run their own loop.
   */
  matmulTransposedFloat64?(a: Matrix, b: Matrix, rowBias?: Float32Array): Promise<Matrix>;
  /** Releases native sessions and memory. */
  dispose(): Promise<void>;
}

/** Engine ids a user may ask for; 'auto' picks the fastest that loads. */
export type EngineId = 'auto' | 'tfjs' | 'onnxruntime' | 'wasm';
