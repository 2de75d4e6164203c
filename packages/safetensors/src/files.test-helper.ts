/** Test helpers: temporary directories, hand-built safetensors bytes, directory snapshots. */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FormatError, PathError } from '@speechfold/core';

/** A fresh empty directory under the OS temp dir. */
export function makeTempDir(): Promise<string> {
  return fs.mkdtemp(path.join(os.tmpdir(), 'speechfold-st-'));
}

/** Removes a directory made by makeTempDir. */
export function removeDir(dir: string): Promise<void> {
  return fs.rm(dir, { recursive: true, force: true });
}

/** A file: u64 length prefix (or `length` when given), the header text padded with spaces, then data. */
export function encodeFile(headerText: string, data: Uint8Array = new Uint8Array(0), length?: bigint): Uint8Array {
  let header = Buffer.from(headerText, 'utf8');
  const pad = (8 - ((8 + header.length) % 8)) % 8;
  header = Buffer.concat([header, Buffer.alloc(pad, 0x20)]);
  const prefix = Buffer.alloc(8);
  prefix.writeBigUInt64LE(length ?? BigInt(header.length));
  return new Uint8Array(Buffer.concat([prefix, header, data])); // a copy with its own ArrayBuffer at offset 0
}

/** Name -> sha256 of every entry of `dir` (recursively), to compare a directory before and after. */
export async function snapshotDir(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const name of (await fs.readdir(dir)).sort()) {
    const p = path.join(dir, name);
    const stat = await fs.lstat(p);
    if (stat.isDirectory()) {
      for (const [k, v] of Object.entries(await snapshotDir(p))) out[`${name}/${k}`] = v;
    } else if (stat.isFile()) {
      out[name] = createHash('sha256')
        .update(await fs.readFile(p))
        .digest('hex');
    } else {
      out[name] = 'other';
    }
  }
  return out;
}

/** Whether an error is one of the typed errors a checkpoint failure may produce. */
export function isTypedError(err: unknown): boolean {
  return err instanceof FormatError || err instanceof PathError;
}

/** Deterministic pseudo-random bytes. */
export function patternBytes(n: number, seed = 1): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}
