/**
 * Streaming, atomic writing of a .safetensors file or a model directory (single file or shards +
 * index).
 *
 * Design: the header comes before the data and lists every tensor's offsets, so it cannot be
 * written until the last tensor is known. Each added tensor is therefore appended straight to a
 * temporary spool file in the destination directory and dropped from memory. At commit the
 * tensors are laid out (sharded by size, ordered as the reference writer orders them), and for
 * each output file a temporary `.safetensors` is written: length prefix, header, then the tensor
 * bytes copied from the spool through one fixed-size buffer. The files are fsynced and renamed into
 * place (shards first, the index last, so a reader never sees an index without its shards); then
 * the spool is removed. Memory stays at one tensor (while it is encoded) plus the copy buffer.
 * Temporaries live in the destination directory so each rename is atomic (same filesystem).
 * abort() removes the spool and any temporaries, leaving the directory as it was.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import * as path from 'node:path';
import {
  DTYPE_SIZE,
  FormatError,
  OptionError,
  PathError,
  type DType,
  type TensorSink,
  type TensorSinkOptions,
} from '@speechfold/core';
import { DTYPES, FLOAT_ENCODABLE, encodeFromFloat32, isDType } from './dtypes';
import { MAX_HEADER_BYTES, buildHeader, headerLengthPrefix, type HeaderEntry } from './header';
import { SINGLE_FILE } from './checkpoint';
import { buildIndex, isCheckpointFileName, layoutOrder, planShards, shardFileName, type SpooledTensor } from './layout';
import { readInto, writeAll } from './file-io';
import { assertWritable, filesOpenForReading, isSameOrInside, pathError, resolveReal } from './paths';
import { INDEX_FILE } from './sharded';

const COPY_CHUNK = 4 << 20; // bytes copied from the spool per read

/** What a sink writes: one file, or a model directory (sharded when maxShardBytes is exceeded). */
type Target = { kind: 'file'; file: string } | { kind: 'dir'; dir: string; maxShardBytes?: number };

/** One output file of a commit: its final path and its tensors in layout order. */
interface PlannedFile {
  dest: string;
  tensors: SpooledTensor[];
}

function tempPath(dest: string): string {
  return path.join(path.dirname(dest), `.${path.basename(dest)}.${randomBytes(6).toString('hex')}.tmp`);
}

function validateMetadata(metadata: unknown): Record<string, string> | undefined {
  if (metadata === undefined) return undefined;
  if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) {
    throw new OptionError('metadata', 'expected an object of strings');
  }
  for (const [key, value] of Object.entries(metadata)) {
    if (typeof value !== 'string') throw new OptionError('metadata', `key '${key}' must hold a string`);
  }
  return { ...(metadata as Record<string, string>) };
}

/** A sink that spools tensors to a temporary file and writes the real files at commit. */
class SafetensorsSink implements TensorSink {
  private readonly tensors: SpooledTensor[] = [];
  private readonly names = new Set<string>();
  private readonly inflight = new Set<Promise<void>>();
  private readonly temps = new Set<string>();
  private spoolSize = 0;
  private spoolClosed = false;
  private writeError: unknown;
  private state: 'open' | 'committing' | 'committed' | 'aborted' | 'failed' = 'open';
  private committing: Promise<void> | undefined;

  private constructor(
    private readonly target: Target,
    private readonly where: string,
    private readonly spool: FileHandle,
    private readonly spoolPath: string,
    private readonly metadata: Record<string, string> | undefined,
    private readonly protectedReal: string[],
  ) {
    this.temps.add(spoolPath);
  }

  /** Checks the destination and options, then opens the spool next to the destination. */
  static async create(target: Target, options: TensorSinkOptions): Promise<SafetensorsSink> {
    const metadata = validateMetadata(options.metadata);
    const protectedPaths = options.protectedPaths ?? [];
    if (!Array.isArray(protectedPaths) || !protectedPaths.every((p) => typeof p === 'string')) {
      throw new OptionError('protectedPaths', 'expected an array of paths');
    }
    const protectedReal = await Promise.all(protectedPaths.map(resolveReal));
    const dir = target.kind === 'file' ? path.dirname(target.file) : target.dir;
    let stat;
    try {
      stat = await fs.stat(dir);
    } catch (cause) {
      if ((cause as NodeJS.ErrnoException).code !== 'ENOENT') throw pathError(dir, cause);
      throw new PathError(dir, 'does not exist; expected an existing output directory', { cause });
    }
    if (!stat.isDirectory()) throw new PathError(dir, 'is not a directory; expected an existing output directory');
    if (target.kind === 'file') await assertWritable(target.file, protectedReal);
    else await SafetensorsSink.assertDirWritable(dir, protectedReal);
    const spoolPath = path.join(dir, `.speechfold-${randomBytes(6).toString('hex')}.spool.tmp`);
    let spool: FileHandle;
    try {
      spool = await fs.open(spoolPath, 'wx+');
    } catch (cause) {
      throw pathError(spoolPath, cause, 'cannot create the spool file');
    }
    const where = target.kind === 'file' ? target.file : dir;
    return new SafetensorsSink(target, where, spool, spoolPath, metadata, protectedReal);
  }

  /** Early refusal for a model dir: it must not be (inside) a protected path or hold one we may overwrite. */
  private static async assertDirWritable(dir: string, protectedReal: readonly string[]): Promise<void> {
    const dirReal = await resolveReal(dir);
    for (const p of [...protectedReal, ...filesOpenForReading()]) {
      const inside = isSameOrInside(p, dirReal);
      const overwritten = path.dirname(p) === dirReal && isCheckpointFileName(path.basename(p));
      if (inside || overwritten) {
        const why = protectedReal.includes(p) ? 'protected path' : 'file open for reading';
        throw new PathError(dir, `refusing to write a checkpoint here: it could overwrite the ${why} ${p}`);
      }
    }
  }

  /** Encodes f32 data to `dtype` (F64/F32/F16/BF16) and spools it. */
  async addFloat32(name: string, dtype: DType, shape: number[], data: Float32Array): Promise<void> {
    const count = this.checkTensor(name, dtype, shape);
    const subject = { file: this.where, tensor: name };
    if (!FLOAT_ENCODABLE.includes(dtype)) {
      throw new FormatError(
        subject,
        `cannot encode float32 data as ${dtype}; expected one of ${FLOAT_ENCODABLE.join(
          ', ',
        )} (give other dtypes as bytes with addBytes)`,
      );
    }
    if (!(data instanceof Float32Array) || data.length !== count) {
      throw new FormatError(subject, `shape [${shape.join(', ')}] needs ${count} values, found ${data?.length}`);
    }
    await this.spoolTensor(name, dtype, shape, encodeFromFloat32(dtype, data));
  }

  /** Spools already-encoded little-endian bytes. */
  async addBytes(name: string, dtype: DType, shape: number[], bytes: Uint8Array): Promise<void> {
    const count = this.checkTensor(name, dtype, shape);
    const expected = count * DTYPE_SIZE[dtype];
    if (!(bytes instanceof Uint8Array) || bytes.length !== expected) {
      throw new FormatError(
        { file: this.where, tensor: name },
        `shape [${shape.join(', ')}] of ${dtype} needs ${expected} bytes, found ${bytes?.length}`,
      );
    }
    await this.spoolTensor(name, dtype, shape, bytes);
  }

  /** Writes the output files and renames them into place; the index, if any, last. */
  commit(): Promise<void> {
    if (this.state !== 'open') return Promise.reject(this.notOpen());
    this.state = 'committing';
    this.committing = this.runCommit();
    return this.committing;
  }

  /** Removes the spool and every temporary; the destination is left untouched. */
  async abort(): Promise<void> {
    if (this.state === 'committing') await this.committing?.catch(() => undefined);
    if (this.state !== 'open') return;
    this.state = 'aborted';
    await this.cleanup();
  }

  private notOpen(): PathError {
    return new PathError(this.where, `this sink is already ${this.state}; expected an open sink`);
  }

  /** Validates a new tensor's name, dtype and shape; returns its element count. */
  private checkTensor(name: string, dtype: DType, shape: number[]): number {
    if (this.state !== 'open') throw this.notOpen();
    const subject = { file: this.where, tensor: String(name) };
    if (typeof name !== 'string' || name.length === 0 || name === '__metadata__') {
      throw new FormatError(subject, 'expected a non-empty tensor name other than __metadata__');
    }
    if (Buffer.from(name, 'utf8').toString('utf8') !== name) {
      throw new FormatError(subject, 'tensor name is not well-formed Unicode (lone surrogate)');
    }
    if (this.names.has(name)) throw new FormatError(subject, 'a tensor of this name was already added');
    if (!isDType(dtype)) {
      throw new FormatError(subject, `unknown dtype ${String(dtype)}; expected one of ${DTYPES.join(', ')}`);
    }
    if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
      throw new FormatError(subject, `shape must be an array of non-negative integers, found ${String(shape)}`);
    }
    const count = shape.reduce((a, d) => a * d, 1);
    if (!Number.isSafeInteger(count * DTYPE_SIZE[dtype])) {
      throw new FormatError(subject, `shape [${shape.join(', ')}] is too large`);
    }
    return count;
  }

  /** Reserves the tensor's place in the spool synchronously, then writes its bytes there. */
  private async spoolTensor(name: string, dtype: DType, shape: number[], bytes: Uint8Array): Promise<void> {
    const spoolOffset = this.spoolSize;
    this.spoolSize += bytes.length;
    this.names.add(name);
    this.tensors.push({ name, dtype, shape: [...shape], size: bytes.length, spoolOffset });
    const write = writeAll(this.spool, bytes, spoolOffset, this.spoolPath).catch((err: unknown) => {
      this.writeError ??= err;
      throw err;
    });
    this.inflight.add(write);
    try {
      await write;
    } finally {
      this.inflight.delete(write);
    }
  }

  private async runCommit(): Promise<void> {
    try {
      await Promise.allSettled([...this.inflight]);
      if (this.writeError !== undefined) throw this.writeError;
      const files = this.plan();
      const indexDest =
        this.target.kind === 'dir' && files.length > 1 ? path.join(this.target.dir, INDEX_FILE) : undefined;
      for (const dest of [...files.map((f) => f.dest), ...(indexDest ? [indexDest] : [])]) {
        await assertWritable(dest, this.protectedReal);
      }
      await this.assertNotShadowed(indexDest);
      const staged: [string, string][] = [];
      for (const f of files) staged.push([await this.writeFile(f), f.dest]);
      if (indexDest) {
        const shards = files.map((f) => ({ file: path.basename(f.dest), tensors: f.tensors }));
        staged.push([await this.writeText(indexDest, buildIndex(shards)), indexDest]);
      }
      await this.closeSpool();
      for (const [tmp, dest] of staged) {
        try {
          await fs.rename(tmp, dest);
        } catch (cause) {
          throw pathError(dest, cause, 'cannot move the finished file into place');
        }
        this.temps.delete(tmp);
      }
      await this.syncDir();
      await this.cleanup();
      this.state = 'committed';
    } catch (err) {
      this.state = 'failed';
      await this.cleanup();
      throw err;
    }
  }

  /** The output files and their tensors, in layout order. */
  private plan(): PlannedFile[] {
    if (this.target.kind === 'file') return [{ dest: this.target.file, tensors: layoutOrder(this.tensors) }];
    const { dir, maxShardBytes } = this.target;
    const shards = planShards(this.tensors, maxShardBytes);
    if (shards.length === 1) return [{ dest: path.join(dir, SINGLE_FILE), tensors: layoutOrder(shards[0]) }];
    return shards.map((tensors, i) => ({
      dest: path.join(dir, shardFileName(i, shards.length)),
      tensors: layoutOrder(tensors),
    }));
  }

  /** A single model.safetensors next to an existing index would be hidden by it: refuse. */
  private async assertNotShadowed(indexDest: string | undefined): Promise<void> {
    if (this.target.kind !== 'dir' || indexDest !== undefined) return;
    const index = path.join(this.target.dir, INDEX_FILE);
    const exists = await fs.stat(index).then(
      () => true,
      () => false,
    );
    if (exists) {
      throw new PathError(
        index,
        `exists and readers prefer it to the ${SINGLE_FILE} being written; expected a directory without a stale index`,
      );
    }
  }

  /** Writes one .safetensors to a temporary next to `file.dest`; returns the temporary's path. */
  private async writeFile(file: PlannedFile): Promise<string> {
    let offset = 0;
    const entries: HeaderEntry[] = file.tensors.map((t) => {
      const e = { name: t.name, dtype: t.dtype, shape: t.shape, begin: offset, end: offset + t.size };
      offset += t.size;
      return e;
    });
    const header = buildHeader(entries, this.metadata);
    if (header.length > MAX_HEADER_BYTES) {
      throw new FormatError(
        { file: file.dest },
        `header would be ${header.length} bytes; expected at most ${MAX_HEADER_BYTES}`,
      );
    }
    const tmp = tempPath(file.dest);
    const out = await this.createTemp(tmp);
    try {
      await writeAll(out, headerLengthPrefix(header.length), 0, tmp);
      await writeAll(out, header, 8, tmp);
      let position = 8 + header.length;
      const buffer = new Uint8Array(Math.min(COPY_CHUNK, Math.max(1, offset)));
      for (const t of file.tensors) {
        for (let done = 0; done < t.size; ) {
          const n = Math.min(buffer.length, t.size - done);
          await readInto(this.spool, buffer, n, t.spoolOffset + done, this.spoolPath);
          await writeAll(out, buffer.subarray(0, n), position, tmp);
          position += n;
          done += n;
        }
      }
      await out.sync();
    } finally {
      await out.close();
    }
    return tmp;
  }

  /** Writes text to a temporary next to `dest`; returns the temporary's path. */
  private async writeText(dest: string, text: string): Promise<string> {
    const tmp = tempPath(dest);
    const out = await this.createTemp(tmp);
    try {
      await writeAll(out, Buffer.from(text, 'utf8'), 0, tmp);
      await out.sync();
    } finally {
      await out.close();
    }
    return tmp;
  }

  private async createTemp(tmp: string): Promise<FileHandle> {
    this.temps.add(tmp);
    try {
      return await fs.open(tmp, 'wx');
    } catch (cause) {
      throw pathError(tmp, cause, 'cannot create a temporary file');
    }
  }

  private async closeSpool(): Promise<void> {
    if (this.spoolClosed) return;
    this.spoolClosed = true;
    await this.spool.close().catch(() => undefined);
  }

  /** Best effort: persists the renames themselves. Not every platform can fsync a directory. */
  private async syncDir(): Promise<void> {
    const dir = this.target.kind === 'file' ? path.dirname(this.target.file) : this.target.dir;
    try {
      const handle = await fs.open(dir, 'r');
      await handle.sync().finally(() => handle.close());
    } catch {
      // ignored: the data files themselves were fsynced before the renames
    }
  }

  /** Closes the spool and deletes it and every remaining temporary. */
  private async cleanup(): Promise<void> {
    await Promise.allSettled([...this.inflight]);
    await this.closeSpool();
    for (const tmp of this.temps) {
      await fs.rm(tmp, { force: true }).catch(() => undefined);
    }
    this.temps.clear();
  }
}

/** A sink writing one .safetensors file (its directory must exist). */
export function createFileSink(
  file: string,
  options: { metadata?: Record<string, string>; protectedPaths?: string[] } = {},
): Promise<TensorSink> {
  return SafetensorsSink.create({ kind: 'file', file }, options);
}

/** A sink writing `<dir>/model.safetensors`, or shards + index when maxShardBytes is exceeded (dir must exist). */
export function createCheckpointSink(dir: string, options: TensorSinkOptions = {}): Promise<TensorSink> {
  const max = options.maxShardBytes;
  if (max !== undefined && !(Number.isSafeInteger(max) && max > 0)) {
    return Promise.reject(new OptionError('maxShardBytes', `expected a positive whole number of bytes, got ${max}`));
  }
  return SafetensorsSink.create({ kind: 'dir', dir, maxShardBytes: max }, options);
}
