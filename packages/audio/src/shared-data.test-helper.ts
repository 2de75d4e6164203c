// Where the tests find their data: test-data/ at the repo root (LibriSpeech utterances and Whisper's
// mel filters, committed so that a fresh clone tests itself; test-data/README.md says what it is).
import * as fs from 'node:fs';
import * as path from 'node:path';

/** test-data, resolved from this source folder (packages/audio/src -> repo). */
export const SHARED_DATA = path.resolve(__dirname, '../../../test-data');
export const LIBRISPEECH = path.join(SHARED_DATA, 'LibriSpeech');
export const MEL_FILTERS_NPZ = path.join(SHARED_DATA, 'reference', 'whisper_mel_filters.npz');
/** Committed reference outputs written by tools/reference/*.py. */
export const REFERENCE_FIXTURES = path.resolve(__dirname, '../../../tools/reference/fixtures');

/** Every .flac file under `dir`, sorted. */
export function listFlacFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.flac')) out.push(full);
    }
  };
  walk(dir);
  return out.sort();
}

/** Decodes base64 of little-endian float32 values (how the Python fixtures store arrays). */
export function float32FromBase64(text: string): Float32Array {
  const bytes = Buffer.from(text, 'base64');
  const out = new Float32Array(bytes.length / 4);
  for (let i = 0; i < out.length; i++) out[i] = bytes.readFloatLE(4 * i);
  return out;
}
