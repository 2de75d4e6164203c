/**
 * The HF reference fixture (tools/reference/whisper_runtime_reference.py) and what the tests need to
 * reproduce its inputs: the synthetic checkpoints (same synthesize() call) and the seeded features.
 */
import { createHash } from 'node:crypto';
import { promises as fs, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Matrix } from '@speechfold/core';
import { synthesize, type ConfigOverrides } from '@speechfold/synth';

/** One model case of the fixture. */
export interface FixtureCase {
  name: string;
  synth: { arch: 'whisper-tiny'; dtype: 'F32'; seed: number; config: ConfigOverrides };
  model_sha256: string;
  features: { generator: 'xorshift32'; seed: number; shape: [number, number]; sha256: string };
  encoder: { shape: [number, number]; sum: number; abs_sum: number; rows: number[]; values: string };
  prompt: number[];
  prompt_logits: { ids: number[]; values: string; argmax: number[] };
  generate: {
    max_new_tokens: number;
    tokens: number[];
    sequence: number[];
    steps: { top_ids: number[]; top_values: number[]; suppressed_top2_gap: number }[];
    min_suppressed_top2_gap: number;
  };
}

/** The whole fixture. */
export interface Fixture {
  cases: FixtureCase[];
  tokenizer: {
    encodes: { text: string; ids: number[] }[];
    decodes: { ids: number[]; skip_special_tokens: boolean; text: string }[];
  };
}

const FIXTURE = path.join(__dirname, '..', '..', '..', 'tools', 'reference', 'fixtures', 'whisper-runtime-parity.json');

/** The parsed fixture. */
export function readFixture(): Fixture {
  return JSON.parse(readFileSync(FIXTURE, 'utf8')) as Fixture;
}

/** float32 little-endian values from base64. */
export function fromBase64(text: string): Float32Array {
  const bytes = Buffer.from(text, 'base64');
  const out = new Float32Array(bytes.length / 4);
  for (let i = 0; i < out.length; i++) out[i] = bytes.readFloatLE(i * 4);
  return out;
}

/** The reference's features: xorshift32(seed), value ((u >>> 8) - 2^23) / 2^23, row-major [bins, frames]. */
export function seededFeatures(seed: number, bins: number, frames: number): Matrix {
  const data = new Float32Array(bins * frames);
  let x = seed >>> 0;
  for (let i = 0; i < data.length; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    data[i] = ((x >>> 8) - 2 ** 23) / 2 ** 23;
  }
  return { data, rows: bins, cols: frames };
}

/** sha256 of float32 values as little-endian bytes. */
export function sha256OfFloats(values: Float32Array): string {
  return createHash('sha256').update(Buffer.from(values.buffer, values.byteOffset, values.byteLength)).digest('hex');
}

/** A fresh temp dir (removed by the caller). */
export function tempDir(prefix: string): Promise<string> {
  return fs.mkdtemp(path.join(os.tmpdir(), prefix));
}

/** Synthesises a case's checkpoint into `dir` and returns model.safetensors' sha256. */
export async function synthesizeCase(c: FixtureCase, dir: string): Promise<string> {
  await synthesize({ arch: c.synth.arch, outDir: dir, dtype: c.synth.dtype, seed: c.synth.seed, config: c.synth.config });
  const bytes = await fs.readFile(path.join(dir, 'model.safetensors'));
  return createHash('sha256').update(bytes).digest('hex');
}

/** Largest |a[i] - b[i]|. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`lengths differ: ${a.length} vs ${b.length}`);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  return max;
}

/** Config of the quick test models: whisper-tiny's vocabulary, 2 + 2 layers of width 64, 300 input frames. */
export const QUICK_CONFIG = {
  d_model: 64,
  encoder_layers: 2,
  decoder_layers: 2,
  encoder_attention_heads: 4,
  decoder_attention_heads: 4,
  encoder_ffn_dim: 128,
  decoder_ffn_dim: 128,
  max_source_positions: 150,
};
