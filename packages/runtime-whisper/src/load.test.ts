/** loadWhisper: what it reads, and the errors naming what is wrong. */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { ModelError, PathError } from '@speechfold/core';
import { openCheckpoint, createCheckpointSink } from '@speechfold/safetensors';
import { synthesize } from '@speechfold/synth';
import { loadWhisper } from './load';
import { QUICK_CONFIG, tempDir } from './fixture.test-helper';
import { JsEngine } from './js-engine.test-helper';

let root: string;
let tied: string;
const engine = new JsEngine();

// Hooks and tests run models on a plain-JS engine; shared CI machines can be slow.
jest.setTimeout(120_000);

beforeAll(async () => {
  root = await tempDir('runtime-whisper-load-');
  tied = path.join(root, 'tied');
  await synthesize({ arch: 'whisper-tiny', outDir: tied, seed: 0, config: QUICK_CONFIG });
});

afterAll(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

/** A copy of the tied model with its tensors and config.json changed. */
async function variant(name: string, edit: { drop?: string; reshape?: string; config?: Record<string, unknown>; add?: string }): Promise<string> {
  const dir = path.join(root, name);
  await fs.mkdir(dir);
  for (const file of await fs.readdir(tied)) if (file !== 'model.safetensors') await fs.copyFile(path.join(tied, file), path.join(dir, file));
  if (edit.config !== undefined) {
    const config = JSON.parse(await fs.readFile(path.join(tied, 'config.json'), 'utf8')) as Record<string, unknown>;
    await fs.writeFile(path.join(dir, 'config.json'), JSON.stringify({ ...config, ...edit.config }));
  }
  const source = await openCheckpoint(tied);
  const sink = await createCheckpointSink(dir, { metadata: { format: 'pt' } });
  for (const info of source.list()) {
    if (info.name === edit.drop) continue;
    const data = await source.readFloat32(info.name);
    const shape = info.name === edit.reshape ? [info.shape[0] * info.shape[1]] : info.shape;
    await sink.addFloat32(info.name, 'F32', shape, data);
    if (info.name === edit.add) await sink.addFloat32('proj_out.weight', 'F32', info.shape, data.map((v) => -v));
  }
  await sink.commit();
  await source.close();
  return dir;
}

test('loads a stock checkpoint: widths, weights in fp32, proj_out tied to embed_tokens', async () => {
  const model = await loadWhisper(tied, engine);
  expect(model.config.d_model).toBe(64);
  expect(model.layers).toHaveLength(4);
  expect(model.weights.encoderLayers).toHaveLength(2);
  expect(model.weights.decoderLayers[1].crossAttn.heads).toBe(4);
  expect(model.weights.projOut).toBe(model.weights.embedTokens);
  expect(model.weights.conv1.shape).toEqual([64, 80, 3]);
  expect(model.tokenizer.size).toBe(51865);
});

test('a stored proj_out.weight is used even when the config ties it', async () => {
  const dir = await variant('stored-proj', { add: 'model.decoder.embed_tokens.weight' });
  const model = await loadWhisper(dir, engine);
  expect(model.weights.projOut).not.toBe(model.weights.embedTokens);
  expect(model.weights.projOut.data[0]).toBe(-model.weights.embedTokens.data[0]);
});

test('a missing tensor is a ModelError naming it', async () => {
  const dir = await variant('missing', { drop: 'model.decoder.layers.1.fc2.bias' });
  await expect(loadWhisper(dir, engine)).rejects.toThrow(ModelError);
  await expect(loadWhisper(dir, engine)).rejects.toThrow(/model\.decoder\.layers\.1\.fc2\.bias.*missing/);
});

test('a tensor of the wrong shape is a ModelError naming it and both shapes', async () => {
  const dir = await variant('shape', { reshape: 'model.encoder.layers.0.fc1.weight' });
  await expect(loadWhisper(dir, engine)).rejects.toThrow(/fc1\.weight.*expected shape \[128, 64\].*got \[8192\]/);
});

test('an activation other than exact GELU is refused', async () => {
  const dir = await variant('relu', { config: { activation_function: 'relu' } });
  await expect(loadWhisper(dir, engine)).rejects.toThrow(/activation_function/);
});

test('a path that is not a model dir is a PathError', async () => {
  await expect(loadWhisper(path.join(root, 'nope'), engine)).rejects.toThrow(PathError);
});
