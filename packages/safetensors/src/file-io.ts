/**
 * Positioned reads and writes through a FileHandle that loop until every byte is moved: one fs
 * call may move fewer bytes than asked, and moves at most 2^31-1, so large tensors go in pieces.
 */
import type { FileHandle } from 'node:fs/promises';
import { FormatError, PathError } from '@speechfold/core';
import { pathError } from './paths';

const MAX_IO = 1 << 30;

/** Reads exactly `length` bytes at `position`; a short file is a FormatError, an fs failure a PathError. */
export async function readExactly(
  handle: FileHandle,
  length: number,
  position: number,
  file: string,
  tensor?: string,
): Promise<Uint8Array> {
  let out: Uint8Array;
  try {
    out = new Uint8Array(length);
  } catch (cause) {
    throw new FormatError({ file, tensor }, `cannot hold ${length} bytes in memory`, { cause });
  }
  let done = 0;
  while (done < length) {
    let bytesRead: number;
    try {
      ({ bytesRead } = await handle.read(out, done, Math.min(MAX_IO, length - done), position + done));
    } catch (cause) {
      throw pathError(file, cause, 'cannot read');
    }
    if (bytesRead === 0) {
      throw new FormatError(
        { file, tensor },
        `file ended at byte ${position + done}, expected ${length} bytes from byte ${position} (was it truncated?)`,
      );
    }
    done += bytesRead;
  }
  return out;
}

/** Fills `buf[0, length)` from `position`; used to copy spooled bytes, so a short read is a PathError. */
export async function readInto(
  handle: FileHandle,
  buf: Uint8Array,
  length: number,
  position: number,
  file: string,
): Promise<void> {
  let done = 0;
  while (done < length) {
    let bytesRead: number;
    try {
      ({ bytesRead } = await handle.read(buf, done, length - done, position + done));
    } catch (cause) {
      throw pathError(file, cause, 'cannot read');
    }
    if (bytesRead === 0) throw new PathError(file, `spool file ended early at byte ${position + done}`);
    done += bytesRead;
  }
}

/** Writes all of `bytes` at `position`; an fs failure is a PathError naming `file`. */
export async function writeAll(handle: FileHandle, bytes: Uint8Array, position: number, file: string): Promise<void> {
  let done = 0;
  while (done < bytes.length) {
    try {
      const { bytesWritten } = await handle.write(bytes, done, Math.min(MAX_IO, bytes.length - done), position + done);
      done += bytesWritten;
    } catch (cause) {
      throw pathError(file, cause, 'cannot write');
    }
  }
}
