// Models for this package's tests: the tiny preset with random weights, and the checkpoints stock
// transformers 5 wrote (tools/reference/wav2vec2_check.py; committed under tools/reference/fixtures).
import fs from 'node:fs';
import path from 'node:path';
import type { ModelDescription } from '@speechfold/core';
import { randomTensors, type TestModel } from '@speechfold/adapter-testkit';
import { openCheckpoint } from '@speechfold/safetensors';
import { wav2vec2Parameters } from './architecture';
import type { Wav2Vec2Config } from './config';
import { wav2vec2Preset } from './presets';
import { validateWav2Vec2Config } from './validate';

/** wav2vec2-tiny (Wav2Vec2ForCTC, pre-LN) with `overrides`, validated, with seeded random tensors. */
export function tinyWav2Vec2(overrides: Partial<Wav2Vec2Config> = {}, seed = 1): TestModel {
  const config = validateWav2Vec2Config({ ...wav2vec2Preset('wav2vec2-tiny'), ...overrides }, 'config.json');
  return { config: { ...config }, tensors: randomTensors(wav2vec2Parameters(config), seed) };
}

/** The bare encoder in facebook/wav2vec2-base-960h's layout: Wav2Vec2Model, post-LN, GroupNorm conv. */
export const BARE_POST_LN: Partial<Wav2Vec2Config> = {
  architectures: ['Wav2Vec2Model'],
  do_stable_layer_norm: false,
  feat_extract_norm: 'group',
  conv_bias: false,
};

/** Where the stock-transformers checkpoints are, one dir per case ('post-ln', 'stable-ln'). */
export const HF_FIXTURE = path.resolve(__dirname, '../../../tools/reference/fixtures/wav2vec2-tiny');

/** A checkpoint stock transformers wrote: its config.json and tensor table (no data read). */
export async function hfCheckpoint(name: string): Promise<ModelDescription> {
  const dir = path.join(HF_FIXTURE, name);
  const config = JSON.parse(fs.readFileSync(path.join(dir, 'config.json'), 'utf8')) as Record<string, unknown>;
  const source = await openCheckpoint(dir);
  try {
    return { config, tensors: source.list() };
  } finally {
    await source.close();
  }
}
