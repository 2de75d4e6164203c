/**
 * One .safetensors file, read lazily: opening reads and validates only the header; each tensor is
 * read on demand through a FileHandle at its own offset. The whole file is never read.
 */
import { promises as fs } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { FormatError, PathError, type TensorInfo, type TensorSource } from '@speechfold/core';
import { decodeToFloat32 } from './dtypes';
import { checkHeaderLength, parseHeader, type HeaderEntry } from './header';
import { readExactly } from './file-io';
import { pathError, trackClose, trackOpen } from './paths';

/** A lazily read .safetensors file. */
export class SafetensorsFile implements TensorSource {
  private readonly byName: Map<string, HeaderEntry>;
  private closed = false;

  private constructor(
    /** The file as given to openSafetensors. */
    readonly path: string,
    /** The file's realpath, by which open files are tracked. */
    readonly realPath: string,
    private readonly handle: FileHandle,
    private readonly entries: HeaderEntry[],
    private readonly meta: Record<string, string>,
    /** Where the data area starts: 8 + header length. */
    private readonly dataStart: number,
  ) {
    this.byName = new Map(entries.map((e) => [e.name, e]));
  }

  /** Opens `file`, reading and validating only its header. */
  static async open(file: string): Promise<SafetensorsFile> {
    // stat before open: opening a FIFO for reading would block until a writer shows up.
    let stat;
    try {
      stat = await fs.stat(file);
    } catch (cause) {
      throw pathError(file, cause);
    }
    if (!stat.isFile()) throw new PathError(file, 'is not a regular file; expected a .safetensors file');
    let handle: FileHandle;
    try {
      handle = await fs.open(file, 'r');
    } catch (cause) {
      throw pathError(file, cause);
    }
    try {
      const size = (await handle.stat()).size;
      if (size < 8) {
        throw new FormatError({ file }, `file is ${size} bytes; expected at least 8 (the header length)`);
      }
      const n = checkHeaderLength(await readExactly(handle, 8, 0, file), size, file);
      const header = parseHeader(await readExactly(handle, n, 8, file), size - 8 - n, file);
      const realPath = await fs.realpath(file);
      trackOpen(realPath);
      return new SafetensorsFile(file, realPath, handle, header.entries, header.metadata, 8 + n);
    } catch (err) {
      await handle.close().catch(() => undefined);
      throw err;
    }
  }

  /** Every tensor, in stored (offset) order. */
  list(): TensorInfo[] {
    return this.entries.map((e) => ({ name: e.name, dtype: e.dtype, shape: [...e.shape] }));
  }

  /** One tensor's description; FormatError naming it when absent. */
  info(name: string): TensorInfo {
    const e = this.entry(name);
    return { name: e.name, dtype: e.dtype, shape: [...e.shape] };
  }

  /** Whether the file holds `name`. */
  has(name: string): boolean {
    return this.byName.has(name);
  }

  /** The tensor's stored bytes. */
  async readBytes(name: string): Promise<Uint8Array> {
    const e = this.entry(name);
    if (this.closed) throw new PathError(this.path, `is closed; cannot read tensor '${name}'`);
    return readExactly(this.handle, e.end - e.begin, this.dataStart + e.begin, this.path, name);
  }

  /** The tensor decoded to f32. */
  async readFloat32(name: string): Promise<Float32Array> {
    const e = this.entry(name);
    return decodeToFloat32(e.dtype, await this.readBytes(name));
  }

  /** The header's __metadata__ (empty when absent). */
  metadata(): Record<string, string> {
    return { ...this.meta };
  }

  /** Closes the file handle; further reads fail with PathError. Safe to call twice. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    trackClose(this.realPath);
    await this.handle.close();
  }

  private entry(name: string): HeaderEntry {
    const e = this.byName.get(name);
    if (!e) {
      throw new FormatError(
        { file: this.path, tensor: name },
        `no such tensor; expected one of the ${this.entries.length} tensors in the header`,
      );
    }
    return e;
  }
}

/** Opens one .safetensors file for lazy per-tensor reading. */
export function openSafetensors(file: string): Promise<SafetensorsFile> {
  return SafetensorsFile.open(file);
}
