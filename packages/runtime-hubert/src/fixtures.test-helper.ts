/** Test helpers: the HF reference fixtures, synthetic checkpoints in temp dirs, comparisons. */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { synthesize, type ConfigOverrides } from '@speechfold/synth';

/** One tools/reference/fixtures/hubert-<case>.json, decoded. */
export interface HubertFixture {
  case: string;
  arch: 'hubert-tiny';
  seed: number;
  dtype: 'F32';
  config: ConfigOverrides;
  model_sha256: string;
  waveform: Float32Array;
  input_values: Float32Array;
  frames: number;
  vocab_size: number;
  logits: Float32Array;
  argmax_ids: number[];
  hf_text_raw: string;
  hf_text: string;
}

const FIXTURES = path.join(__dirname, '..', '..', '..', 'tools', 'reference', 'fixtures');

/** Little-endian float32 from base64. */
function floats(b64: string): Float32Array {
  const bytes = Buffer.from(b64, 'base64');
  const out = new Float32Array(bytes.length / 4);
  for (let i = 0; i < out.length; i++) out[i] = bytes.readFloatLE(i * 4);
  return out;
}

export function readFixture(name: string): HubertFixture {
  const raw = JSON.parse(fs.readFileSync(path.join(FIXTURES, `hubert-${name}.json`), 'utf8'));
  return { ...raw, waveform: floats(raw.waveform), input_values: floats(raw.input_values), logits: floats(raw.logits) };
}

export function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'speechfold-runtime-hubert-'));
}

/** Synthesises the fixture's model into dir/model (the same call hubert_reference.py makes); returns the model dir. */
export async function synthesizeFixtureModel(fixture: HubertFixture, dir: string): Promise<string> {
  const outDir = path.join(dir, 'model');
  await synthesize({ arch: fixture.arch, outDir, dtype: fixture.dtype, seed: fixture.seed, config: fixture.config });
  return outDir;
}

export function sha256File(file: string): string {
  return createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  return max;
}
