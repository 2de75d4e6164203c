/**
 * TensorEngine on onnxruntime-node. Each kernel is a tiny ONNX graph (see graphs.ts) run on the CPU
 * execution provider, whose GEMM reaches most of a BLAS library's speed here (docs: ENGINES.md).
 * Every session.run costs ~10 ms, so this engine suits big blocks of work, not many small calls.
 */
import { availableParallelism } from 'os';
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
  TensorEngine,
} from '@speechfold/core';
import type { InferenceSession, Tensor } from 'onnxruntime-node';
import { buildGraph, GraphKind, matmulKind } from './graphs';
import { messageOf, requireOnnxruntime, OrtModule } from './load-onnxruntime';
import { encodeModel, type OnnxGraph, type OnnxOpsetImport } from './onnx-proto';

/** A tensor going into or out of a graph session: row-major data and its dims. */
export interface GraphValue {
  data: Float32Array | Int32Array | BigInt64Array;
  dims: readonly number[];
}

/** Options of GraphRunner.createGraphSession. */
export interface GraphSessionOptions {
  /** Default-domain opset; default DEFAULT_OPSET (17). */
  opset?: number;
  /** Further operator sets the graph's nodes use, e.g. com.microsoft. */
  domains?: readonly OnnxOpsetImport[];
}

/** One whole graph loaded into onnxruntime, run as many times as needed. */
export interface GraphSession {
  /** Runs the graph; returns every graph output by name. Native failures become EngineError. */
  run(feeds: Record<string, GraphValue>): Promise<Record<string, GraphValue>>;
  /** Frees the native session (also done by the engine's dispose()). */
  release(): Promise<void>;
}

/**
 * What the onnxruntime engine offers beyond TensorEngine: loading a whole graph built by the caller
 * (weights as initializers) into one session, so a model runs as one session.run instead of one call
 * per operator. Get it with graphRunnerOf(engine).
 */
export interface GraphRunner {
  createGraphSession(graph: OnnxGraph, options?: GraphSessionOptions): Promise<GraphSession>;
}

/** Options of createOnnxruntimeEngine. */
export interface OnnxruntimeEngineOptions {
  /** Threads one operator may use (onnxruntime's intraOpNumThreads); default: os.availableParallelism(). */
  threads?: number;
  /** Cap in bytes on the n x k distance block one `nearest` run materialises; default 256 MiB. */
  maxBlockBytes?: number;
}

const ENGINE_NAME = 'onnxruntime';
/** Default cap on the n x k distance block of one `nearest` run: 256 MiB (a few same-size temporaries come on top). */
const DEFAULT_MAX_BLOCK_BYTES = 256 * 1024 * 1024;

/** A float32 output's data (the graphs fix every output's element type). */
function floatData(tensor: Tensor): Float32Array {
  return tensor.data as Float32Array;
}

class OnnxruntimeEngine implements TensorEngine {
  readonly name = ENGINE_NAME;
  // One session per graph kind, created on first use and kept: creating one costs ~100 ms.
  private readonly sessions = new Map<GraphKind, Promise<InferenceSession>>();
  // Caller-built graphs (createGraphSession), released with the engine.
  private readonly graphSessions = new Set<InferenceSession>();
  private disposed = false;

  constructor(
    private readonly ort: OrtModule,
    private readonly threads: number,
    private readonly maxBlockBytes: number,
  ) {}

  private sessionOptions(): InferenceSession.SessionOptions {
    return {
      intraOpNumThreads: this.threads,
      // The graphs are chains, so there is nothing for inter-op parallelism to overlap.
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: 'all',
      // Errors only: libraries here never print, and real failures reach the caller as exceptions.
      logSeverityLevel: 3,
    };
  }

  private session(kind: GraphKind): Promise<InferenceSession> {
    let session = this.sessions.get(kind);
    if (session === undefined) {
      session = this.ort.InferenceSession.create(encodeModel(buildGraph(kind)), this.sessionOptions());
      this.sessions.set(kind, session);
      // A failed creation is not cached, so a later call may try again.
      session.catch(() => this.sessions.delete(kind));
    }
    return session;
  }

  /** Runs one graph on float32 matrices; native failures become EngineError. */
  private async run(kind: GraphKind, feeds: Record<string, Matrix>): Promise<InferenceSession.OnnxValueMapType> {
    if (this.disposed) throw new EngineError(this.name, 'used after dispose()');
    const tensors: Record<string, Tensor> = {};
    for (const [name, m] of Object.entries(feeds)) tensors[name] = new this.ort.Tensor('float32', m.data, [m.rows, m.cols]);
    try {
      const session = await this.session(kind);
      return await session.run(tensors);
    } catch (error) {
      throw new EngineError(this.name, `graph '${kind}' failed: ${messageOf(error)}`, { cause: error });
    }
  }

  /** See GraphRunner. */
  async createGraphSession(graph: OnnxGraph, options: GraphSessionOptions = {}): Promise<GraphSession> {
    if (this.disposed) throw new EngineError(this.name, 'used after dispose()');
    let session: InferenceSession;
    try {
      session = await this.ort.InferenceSession.create(encodeModel(graph, options.opset, options.domains), this.sessionOptions());
    } catch (error) {
      throw new EngineError(this.name, `graph '${graph.name}' cannot be loaded: ${messageOf(error)}`, { cause: error });
    }
    this.graphSessions.add(session);
    const { ort, name } = this;
    const typeOf = (data: GraphValue['data']): 'float32' | 'int32' | 'int64' =>
      data instanceof Float32Array ? 'float32' : data instanceof Int32Array ? 'int32' : 'int64';
    let released = false;
    return {
      run: async (feeds) => {
        if (this.disposed || released) throw new EngineError(name, `graph '${graph.name}' used after release`);
        const tensors: Record<string, Tensor> = {};
        for (const [key, value] of Object.entries(feeds)) tensors[key] = new ort.Tensor(typeOf(value.data), value.data, value.dims);
        let out: InferenceSession.OnnxValueMapType;
        try {
          out = await session.run(tensors);
        } catch (error) {
          throw new EngineError(name, `graph '${graph.name}' failed: ${messageOf(error)}`, { cause: error });
        }
        const result: Record<string, GraphValue> = {};
        for (const [key, value] of Object.entries(out)) {
          const tensor = value as Tensor;
          result[key] = { data: tensor.data as GraphValue['data'], dims: tensor.dims };
        }
        return result;
      },
      release: async () => {
        if (released) return;
        released = true;
        if (this.graphSessions.delete(session)) await session.release();
      },
    };
  }

  async matmul(a: Matrix, b: Matrix, options: MatmulOptions = {}): Promise<Matrix> {
    const { rows, inner, cols } = matmulShape(a, b, options);
    // Empty operands never reach onnxruntime: an empty sum is 0, and zero-size dims are its edge case.
    if (rows * cols === 0 || inner === 0) return { data: new Float32Array(rows * cols), rows, cols };
    const kind = matmulKind(options.transposeA === true, options.transposeB === true);
    const out = await this.run(kind, { A: a, B: b });
    return { data: floatData(out.Y as Tensor), rows, cols };
  }

  async matmulTransposedFloat64(a: Matrix, b: Matrix, rowBias?: Float32Array): Promise<Matrix> {
    const { rows, inner, cols } = matmulShape(a, b, { transposeB: true });
    if (rowBias !== undefined && rowBias.length !== rows) {
      throw new MethodError({}, `matmulTransposedFloat64: rowBias has ${rowBias.length} values, expected one per row of A (${rows})`);
    }
    // Empty operands never reach onnxruntime: an empty sum is 0, so each value is its row's bias.
    if (rows * cols === 0 || inner === 0) {
      const data = new Float32Array(rows * cols);
      if (rowBias !== undefined) for (let i = 0; i < rows; i++) data.fill(rowBias[i], i * cols, (i + 1) * cols);
      return { data, rows, cols };
    }
    const out = await this.run('matmul-nt-f64', { A: a, B: b, bias: { data: rowBias ?? new Float32Array(rows), rows, cols: 1 } });
    return { data: floatData(out.Y as Tensor), rows, cols };
  }

  async squaredDistances(x: Matrix, c: Matrix): Promise<Matrix> {
    checkSameCols('squaredDistances', x, c);
    if (x.rows * c.rows === 0 || x.cols === 0) return { data: new Float32Array(x.rows * c.rows), rows: x.rows, cols: c.rows };
    const out = await this.run('squared-distances', { X: x, C: c });
    return { data: floatData(out.D as Tensor), rows: x.rows, cols: c.rows };
  }

  async nearest(x: Matrix, c: Matrix): Promise<NearestResult> {
    checkSameCols('nearest', x, c);
    if (c.rows === 0) throw new MethodError({}, `nearest: C has no rows (X is ${x.rows}x${x.cols})`);
    const index = new Int32Array(x.rows);
    const distance = new Float32Array(x.rows);
    // Zero columns: every centroid is at distance 0, so the lowest index, 0, wins everywhere.
    if (x.rows === 0 || x.cols === 0) return { index, distance };
    // Chunk rows of X so the n x k block (and the temporaries beside it) stays bounded.
    const step = rowsPerChunk(c.rows, this.maxBlockBytes);
    for (let start = 0; start < x.rows; start += step) {
      const end = Math.min(x.rows, start + step);
      const chunk = { data: x.data.subarray(start * x.cols, end * x.cols), rows: end - start, cols: x.cols };
      const out = await this.run('nearest', { X: chunk, C: c });
      index.set((out.index as Tensor).data as Int32Array, start);
      distance.set((out.distance as Tensor).data as Float32Array, start);
    }
    return { index, distance };
  }

  async rowSquaredNorms(x: Matrix): Promise<Float32Array> {
    checkMatrix('rowSquaredNorms', 'X', x);
    if (x.rows === 0 || x.cols === 0) return new Float32Array(x.rows);
    const out = await this.run('row-squared-norms', { X: x });
    return floatData(out.Y as Tensor);
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    const sessions = [...this.sessions.values()];
    this.sessions.clear();
    const graphSessions = [...this.graphSessions];
    this.graphSessions.clear();
    for (const session of graphSessions) await session.release();
    for (const pending of sessions) {
      // A session that failed to build has nothing to release.
      const session = await pending.catch(() => undefined);
      await session?.release();
    }
  }
}

/** The graph runner of an onnxruntime engine (see GraphRunner); undefined for any other engine. */
export function graphRunnerOf(engine: TensorEngine): GraphRunner | undefined {
  // By shape, not instanceof: a second copy of this package (another install) makes engines alike.
  const candidate = engine as TensorEngine & Partial<GraphRunner>;
  return candidate.name === ENGINE_NAME && typeof candidate.createGraphSession === 'function' ? (candidate as GraphRunner) : undefined;
}

/** Checks an optional positive integer option. */
function positiveInteger(option: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1) throw new OptionError(option, `expected a positive integer, got ${value}`);
  return value;
}

/**
 * Creates the onnxruntime engine; throws EngineError if onnxruntime-node cannot be loaded or cannot run
 * a graph here (it runs one tiny graph first, so a broken native library fails now, not mid-job).
 */
export async function createOnnxruntimeEngine(options: OnnxruntimeEngineOptions = {}): Promise<TensorEngine> {
  const threads = positiveInteger('threads', options.threads, availableParallelism());
  const maxBlockBytes = positiveInteger('maxBlockBytes', options.maxBlockBytes, DEFAULT_MAX_BLOCK_BYTES);
  const ort = requireOnnxruntime();
  const engine = new OnnxruntimeEngine(ort, threads, maxBlockBytes);
  let probe: Float32Array;
  try {
    probe = await engine.rowSquaredNorms({ data: Float32Array.of(3), rows: 1, cols: 1 });
  } catch (error) {
    await engine.dispose();
    throw new EngineError(ENGINE_NAME, `onnxruntime-node loaded but cannot run a graph: ${messageOf(error)}`, { cause: error });
  }
  if (probe[0] !== 9) {
    await engine.dispose();
    throw new EngineError(ENGINE_NAME, `onnxruntime-node gave a wrong probe result (${probe[0]} instead of 9)`);
  }
  return engine;
}
