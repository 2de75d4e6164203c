/**
 * TensorEngine on TensorFlow.js: the tfjs-node backend (native libtensorflow) where it installs,
 * otherwise tfjs-backend-wasm (SIMD, one thread in Node, heap capped near 4 GiB). Never tfjs-cpu.
 */
import {
  checkMatrix,
  checkSameCols,
  EngineError,
  Matrix,
  MatmulOptions,
  matmulShape,
  MethodError,
  NearestResult,
  OptionError,
  rowsPerChunk,
  SpeechfoldError,
  TensorEngine,
} from '@speechfold/core';
import type { Tensor, Tensor2D } from '@tensorflow/tfjs-core';
import { LoadedBackend, loadNodeBackend, loadWasmBackend, messageOf, TfModule } from './load-tfjs';

/** Which backend createTfjsEngine loads: 'best' is node if it loads, else wasm. */
export type TfjsBackendChoice = 'node' | 'wasm' | 'best';

/** Options of createTfjsEngine. */
export interface TfjsEngineOptions {
  /** Default 'best'. */
  backend?: TfjsBackendChoice;
  /** Cap in bytes on the n x k distance block of one `nearest` chunk; default 64 MiB. */
  maxBlockBytes?: number;
}

// Smaller than onnxruntime's 256 MiB: one tidy holds ~5 blocks of this size until it ends, and the
// wasm heap is capped near 4 GiB; per-chunk overhead is tiny here, so small chunks cost nothing.
const DEFAULT_MAX_BLOCK_BYTES = 64 * 1024 * 1024;

class TfjsEngine implements TensorEngine {
  readonly name: string;
  private readonly tf: TfModule;
  private readonly backendName: string;
  private disposed = false;

  constructor(loaded: LoadedBackend, private readonly maxBlockBytes: number) {
    this.name = loaded.engineName;
    this.tf = loaded.tf;
    this.backendName = loaded.backendName;
  }

  /** tfjs has one active backend per process; switch back to ours if something else took over. */
  private async ensureBackend(): Promise<void> {
    if (this.disposed) throw new EngineError(this.name, 'used after dispose()');
    if (this.tf.getBackend() === this.backendName) return;
    const ok = await this.tf.setBackend(this.backendName);
    if (!ok || this.tf.getBackend() !== this.backendName) {
      throw new EngineError(this.name, `tfjs backend '${this.backendName}' could not be re-activated`);
    }
  }

  /** Runs one kernel on this engine's backend; failures inside tfjs (e.g. the wasm heap running out) become EngineError. */
  private async guard<T>(kernel: string, work: () => Promise<T>): Promise<T> {
    await this.ensureBackend();
    try {
      return await work();
    } catch (error) {
      if (error instanceof SpeechfoldError) throw error;
      throw new EngineError(this.name, `${kernel} failed: ${messageOf(error)}`, { cause: error });
    }
  }

  private tensor(m: Matrix): Tensor2D {
    return this.tf.tensor2d(m.data, [m.rows, m.cols], 'float32');
  }

  /** Reads a tensor's values and disposes it. */
  private async take<T extends Float32Array | Int32Array>(tensor: Tensor): Promise<T> {
    try {
      return (await tensor.data()) as T;
    } finally {
      tensor.dispose();
    }
  }

  /**
   * max(0, |x|^2 + |c|^2 - 2 x.c) for x [n, d], given cT = C^T [d, k] and cc = |c|^2 as [1, k].
   * Call inside tf.tidy: it leaves its temporaries to the caller's scope.
   */
  private distanceBlock(x: Tensor2D, cT: Tensor2D, cc: Tensor2D): Tensor2D {
    const tf = this.tf;
    const xx = tf.sum(tf.square(x), 1, true);
    const xc = tf.matMul(x, cT);
    // The Relu clamps the small negatives cancellation leaves where x is close to c.
    return tf.relu(tf.sub(tf.add(xx, cc), tf.mul(xc, 2))) as Tensor2D;
  }

  /** C^T [d, k] and |c|^2 [1, k], kept across chunks; the caller disposes both. */
  private centroidTensors(c: Matrix): [Tensor2D, Tensor2D] {
    const tf = this.tf;
    return tf.tidy(() => {
      const ct = this.tensor(c);
      // An explicit transpose, because matMul(x, c, false, true) takes a 13x slower path in wasm.
      return [tf.transpose(ct), tf.reshape(tf.sum(tf.square(ct), 1), [1, c.rows])] as [Tensor2D, Tensor2D];
    });
  }

  async matmul(a: Matrix, b: Matrix, options: MatmulOptions = {}): Promise<Matrix> {
    const { rows, inner, cols } = matmulShape(a, b, options);
    if (rows * cols === 0 || inner === 0) return { data: new Float32Array(rows * cols), rows, cols };
    return this.guard('matmul', async () => {
      const tf = this.tf;
      const product = tf.tidy(() => {
        // Explicit transposes: matMul's own transpose flags hit slow paths in wasm (measured here:
        // transposeB ~13x, transposeA ~60x slower), while a transpose is one cheap copy.
        const opA = options.transposeA ? tf.transpose(this.tensor(a)) : this.tensor(a);
        const opB = options.transposeB ? tf.transpose(this.tensor(b)) : this.tensor(b);
        return tf.matMul(opA, opB);
      });
      return { data: await this.take<Float32Array>(product), rows, cols };
    });
  }

  async squaredDistances(x: Matrix, c: Matrix): Promise<Matrix> {
    checkSameCols('squaredDistances', x, c);
    if (x.rows * c.rows === 0 || x.cols === 0) return { data: new Float32Array(x.rows * c.rows), rows: x.rows, cols: c.rows };
    return this.guard('squaredDistances', async () => {
      const [cT, cc] = this.centroidTensors(c);
      try {
        const distances = this.tf.tidy(() => this.distanceBlock(this.tensor(x), cT, cc));
        return { data: await this.take<Float32Array>(distances), rows: x.rows, cols: c.rows };
      } finally {
        this.tf.dispose([cT, cc]);
      }
    });
  }

  async nearest(x: Matrix, c: Matrix): Promise<NearestResult> {
    checkSameCols('nearest', x, c);
    if (c.rows === 0) throw new MethodError({}, `nearest: C has no rows (X is ${x.rows}x${x.cols})`);
    const index = new Int32Array(x.rows);
    const distance = new Float32Array(x.rows);
    // Zero columns: every centroid is at distance 0, so the lowest index, 0, wins everywhere.
    if (x.rows === 0 || x.cols === 0) return { index, distance };
    return this.guard('nearest', async () => {
      const tf = this.tf;
      const [cT, cc] = this.centroidTensors(c);
      try {
        // Chunk rows of X so the n x k block and its temporaries fit comfortably in the wasm heap.
        const step = rowsPerChunk(c.rows, this.maxBlockBytes);
        for (let start = 0; start < x.rows; start += step) {
          const end = Math.min(x.rows, start + step);
          const chunk = { data: x.data.subarray(start * x.cols, end * x.cols), rows: end - start, cols: x.cols };
          const [best, min] = tf.tidy(() => {
            const block = this.distanceBlock(this.tensor(chunk), cT, cc);
            // argMin returns the first minimum along the axis: ties pick the lowest index.
            return [tf.argMin(block, 1), tf.min(block, 1)];
          });
          try {
            index.set((await best.data()) as Int32Array, start);
            distance.set((await min.data()) as Float32Array, start);
          } finally {
            tf.dispose([best, min]);
          }
        }
      } finally {
        tf.dispose([cT, cc]);
      }
      return { index, distance };
    });
  }

  async rowSquaredNorms(x: Matrix): Promise<Float32Array> {
    checkMatrix('rowSquaredNorms', 'X', x);
    if (x.rows === 0 || x.cols === 0) return new Float32Array(x.rows);
    return this.guard('rowSquaredNorms', async () => {
      const tf = this.tf;
      return this.take<Float32Array>(tf.tidy(() => tf.sum(tf.square(this.tensor(x)), 1)));
    });
  }

  async dispose(): Promise<void> {
    // Tensors never outlive a call, so there is nothing to free; the backend itself is per process
    // and stays registered for whoever uses tfjs next.
    this.disposed = true;
  }
}

/** Checks an optional positive integer option. */
function positiveInteger(option: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1) throw new OptionError(option, `expected a positive integer, got ${value}`);
  return value;
}

/** Loads the asked-for backend; for 'best', node if it loads, else wasm. */
async function loadBackend(choice: TfjsBackendChoice): Promise<LoadedBackend> {
  if (choice === 'node') return loadNodeBackend();
  if (choice === 'wasm') return loadWasmBackend();
  try {
    return await loadNodeBackend();
  } catch (nodeError) {
    try {
      return await loadWasmBackend();
    } catch (wasmError) {
      throw new EngineError('tfjs', `no tfjs backend loads: ${messageOf(nodeError)}; ${messageOf(wasmError)}`, { cause: wasmError });
    }
  }
}

/**
 * Creates a tfjs engine named 'tfjs-node' or 'tfjs-wasm'; throws EngineError if the backend asked
 * for cannot be loaded and made active.
 */
export async function createTfjsEngine(options: TfjsEngineOptions = {}): Promise<TensorEngine> {
  const choice = options.backend ?? 'best';
  if (choice !== 'node' && choice !== 'wasm' && choice !== 'best') {
    throw new OptionError('backend', `expected 'node', 'wasm' or 'best', got '${String(choice)}'`);
  }
  const maxBlockBytes = positiveInteger('maxBlockBytes', options.maxBlockBytes, DEFAULT_MAX_BLOCK_BYTES);
  return new TfjsEngine(await loadBackend(choice), maxBlockBytes);
}
