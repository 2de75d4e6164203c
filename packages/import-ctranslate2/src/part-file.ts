/**
 * A model.bin read through file handles, whole or split into parts that join in the given order
 * (PyPI packages ship model.bin.part1, model.bin.part2...). Reads are positioned, so any byte range
 * is read on demand and nothing is held but what a caller asks for.
 */
import { promises as fs } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { FormatError, PathError } from '@speechfold/core';

const MAX_IO = 1 << 30; // one fs read moves at most 2^31-1 bytes: read big ranges in pieces

interface Part {
  path: string;
  handle: FileHandle;
  start: number;
  size: number;
}

/** Opens each path as a regular file; on failure closes what was opened. */
async function openParts(paths: readonly string[]): Promise<Part[]> {
  const parts: Part[] = [];
  try {
    let start = 0;
    for (const p of paths) {
      // stat before open: opening a FIFO for reading would block until a writer shows up.
      const stat = await fs.stat(p).catch((cause: unknown) => {
        throw new PathError(p, `cannot read: ${(cause as Error).message}`, { cause });
      });
      if (!stat.isFile())
        throw new PathError(p, 'is not a regular file; expected a CTranslate2 model.bin (or a part of one)');
      const handle = await fs.open(p, 'r').catch((cause: unknown) => {
        throw new PathError(p, `cannot open: ${(cause as Error).message}`, { cause });
      });
      parts.push({ path: p, handle, start, size: stat.size });
      start += stat.size;
    }
    return parts;
  } catch (error) {
    await Promise.all(parts.map((part) => part.handle.close().catch(() => undefined)));
    throw error;
  }
}

/** One logical file made of one or more parts. */
export class PartedFile {
  /** Total bytes of all parts. */
  readonly size: number;
  private closed = false;

  private constructor(private readonly parts: Part[]) {
    this.size = parts.reduce((total, part) => total + part.size, 0);
  }

  /** Opens the parts (in joining order); at least one path. */
  static async open(paths: readonly string[]): Promise<PartedFile> {
    if (paths.length === 0) throw new PathError('(none)', 'no model.bin file or part given');
    return new PartedFile(await openParts(paths));
  }

  /** The files, in joining order. */
  get paths(): string[] {
    return this.parts.map((part) => part.path);
  }

  /** The file named in messages about byte `position`: the part holding it, else the last part. */
  fileAt(position: number): string {
    const part = this.parts.find((p) => position >= p.start && position < p.start + p.size);
    return (part ?? this.parts[this.parts.length - 1]).path;
  }

  /** Exactly `length` bytes from `position`; past the end is a FormatError naming the file and `variable`. */
  async read(position: number, length: number, variable?: string): Promise<Uint8Array> {
    if (this.closed) throw new PathError(this.fileAt(position), 'is closed; cannot read from it');
    if (position + length > this.size) {
      const where = this.parts.length > 1 ? `the ${this.parts.length} parts end` : 'the file ends';
      throw new FormatError(
        { file: this.fileAt(this.size), tensor: variable },
        `${where} at byte ${this.size}, but ${length} bytes are needed from byte ${position}: ` +
          'truncated, or a part missing?',
      );
    }
    const out = new Uint8Array(length);
    let done = 0;
    while (done < length) {
      const at = position + done;
      const part = this.parts.find((p) => at >= p.start && at < p.start + p.size);
      if (!part) throw new FormatError({ file: this.fileAt(at), tensor: variable }, `no part holds byte ${at}`);
      const want = Math.min(length - done, part.start + part.size - at, MAX_IO);
      let bytesRead: number;
      try {
        ({ bytesRead } = await part.handle.read(out, done, want, at - part.start));
      } catch (cause) {
        throw new PathError(part.path, `cannot read: ${(cause as Error).message}`, { cause });
      }
      if (bytesRead === 0) {
        throw new FormatError({ file: part.path, tensor: variable }, 'shrank while being read (changed on disk?)');
      }
      done += bytesRead;
    }
    return out;
  }

  /** Closes every part; safe to call twice. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all(this.parts.map((part) => part.handle.close()));
  }
}
