/**
 * Sequential reads of the small header fields of model.bin. The fields are interleaved with the
 * variables' data, so the cursor reads the file in modest chunks and jumps over each variable's
 * bytes without reading them.
 */
import { FormatError } from '@speechfold/core';
import type { PartedFile } from './part-file';

const CHUNK = 64 * 1024;
const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** A read position in a PartedFile with a small read-ahead buffer. */
export class HeaderCursor {
  /** The next byte to read. */
  position = 0;
  private buffer: Uint8Array = new Uint8Array(0);
  private bufferStart = 0;

  constructor(private readonly file: PartedFile) {}

  /** Skips `n` bytes (a variable's data); running past the end is a FormatError naming `variable`. */
  skip(n: number, variable: string): void {
    if (this.position + n > this.file.size) {
      throw new FormatError(
        { file: this.file.fileAt(this.file.size), tensor: variable },
        `needs ${n} bytes of data from byte ${this.position}, but the data ends at byte ${this.file.size}: ` +
          'truncated, or a part missing?',
      );
    }
    this.position += n;
  }

  async u8(variable?: string): Promise<number> {
    return (await this.view(1, variable)).getUint8(0);
  }

  async u16(variable?: string): Promise<number> {
    return (await this.view(2, variable)).getUint16(0, true);
  }

  async u32(variable?: string): Promise<number> {
    return (await this.view(4, variable)).getUint32(0, true);
  }

  /** A u16-length, NUL-terminated UTF-8 string; `what` names it in errors. */
  async string(what: string, variable?: string): Promise<string> {
    const start = this.position;
    const n = await this.u16(variable);
    const raw = await this.bytes(n, variable);
    if (n === 0 || raw[n - 1] !== 0) {
      throw new FormatError(
        { file: this.file.fileAt(start), tensor: variable },
        `${what} at byte ${start} is not NUL-terminated: not a CTranslate2 model.bin, or parts out of order?`,
      );
    }
    try {
      return UTF8.decode(raw.subarray(0, n - 1));
    } catch (cause) {
      throw new FormatError(
        { file: this.file.fileAt(start), tensor: variable },
        `${what} at byte ${start} is not UTF-8`,
        {
          cause,
        },
      );
    }
  }

  /** `n` bytes at the cursor, advancing it. */
  async bytes(n: number, variable?: string): Promise<Uint8Array> {
    const end = this.position + n;
    if (this.position < this.bufferStart || end > this.bufferStart + this.buffer.length) {
      const length = Math.max(n, Math.min(CHUNK, this.file.size - this.position));
      this.buffer = await this.file.read(this.position, length, variable);
      this.bufferStart = this.position;
    }
    const offset = this.position - this.bufferStart;
    this.position = end;
    return this.buffer.subarray(offset, offset + n);
  }

  private async view(n: number, variable?: string): Promise<DataView> {
    const b = await this.bytes(n, variable);
    return new DataView(b.buffer, b.byteOffset, n);
  }
}
