/**
 * Test helper: the committed tiny CTranslate2 Whisper fixtures (tools/reference/ct2_fixtures.py
 * writes them; ctranslate2 4.8.5's converter writes the same bytes) and temp dirs.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** tools/reference/fixtures/ct2-tiny-whisper: config.json, tokenizer.json, vocabulary.json, <quantization>.bin, reference.safetensors. */
export const FIXTURE_DIR = path.resolve(__dirname, '../../../tools/reference/fixtures/ct2-tiny-whisper');

/** The quantizations written, one model.bin each. */
export const QUANTIZATIONS = ['float32', 'float16', 'bfloat16', 'int8', 'int8_float16', 'int16'] as const;
export type Quantization = (typeof QUANTIZATIONS)[number];

/** Path of one fixture model.bin. */
export function fixtureModel(q: Quantization): string {
  return path.join(FIXTURE_DIR, `${q}.bin`);
}

/** A fresh temp dir; remove it with `fs.rm(dir, { recursive: true })`. */
export function tempDir(): Promise<string> {
  return fs.mkdtemp(path.join(os.tmpdir(), 'speechfold-ct2-'));
}

/** A model dir in `dir` with the fixture's side files and `modelBin` as model.bin. */
export async function modelDirWith(dir: string, modelBin: Uint8Array): Promise<string> {
  for (const name of ['config.json', 'tokenizer.json', 'vocabulary.json']) {
    await fs.copyFile(path.join(FIXTURE_DIR, name), path.join(dir, name));
  }
  await fs.writeFile(path.join(dir, 'model.bin'), modelBin);
  return dir;
}
