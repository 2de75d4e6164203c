/**
 * An `extended` export (FFN widths and head counts that differ per layer, recorded in config.json's
 * `speechfold` key) loads and computes what the same model with the removed units zeroed computes.
 * Both checkpoints are cut by hand from one synthetic model: the extended one drops FFN units and
 * heads; the dense one keeps every shape and zeroes the dropped units' output columns instead.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Tensor } from '@speechfold/core';
import { openCheckpoint, createCheckpointSink } from '@speechfold/safetensors';
import { synthesize } from '@speechfold/synth';
import { createOnnxruntimeEngine } from '@speechfold/engine-onnxruntime';
import { decoderSessions } from './decoder-graph';
import { encode } from './encoder';
import { greedyDecode } from './generate';
import { loadWhisper } from './load';
import { maxAbsDiff, seededFeatures, tempDir } from './fixture.test-helper';
import { JsEngine } from './js-engine.test-helper';

const HEAD_DIM = 16;
const SMALL = {
  d_model: 64,
  encoder_layers: 2,
  decoder_layers: 2,
  encoder_attention_heads: 4,
  decoder_attention_heads: 4,
  encoder_ffn_dim: 128,
  decoder_ffn_dim: 128,
  tie_word_embeddings: false,
  // 300 input frames instead of 3000: the encoder is exercised the same, ten times faster.
  max_source_positions: 150,
};

/** What each layer keeps: FFN units [0, ffn), and the kept heads of its attention blocks. */
const KEEP = [
  { stack: 'encoder', index: 0, ffn: 96, self: [0, 1, 2, 3] },
  { stack: 'encoder', index: 1, ffn: 128, self: [0, 1, 3] },
  { stack: 'decoder', index: 0, ffn: 64, self: [0, 1, 2, 3], cross: [0, 2] },
  { stack: 'decoder', index: 1, ffn: 112, self: [1, 2, 3], cross: [0, 1, 2, 3] },
];

/** Rows `keep` of a [rows, cols] (or [rows]) tensor. */
function pickRows(t: Tensor, keep: number[]): Tensor {
  const cols = t.shape.length === 1 ? 1 : t.shape[1];
  const data = new Float32Array(keep.length * cols);
  keep.forEach((r, i) => data.set(t.data.subarray(r * cols, (r + 1) * cols), i * cols));
  return { shape: t.shape.length === 1 ? [keep.length] : [keep.length, cols], data };
}

/** Columns `keep` of a [rows, cols] tensor. */
function pickCols(t: Tensor, keep: number[]): Tensor {
  const [rows, cols] = t.shape;
  const data = new Float32Array(rows * keep.length);
  for (let r = 0; r < rows; r++) keep.forEach((c, j) => (data[r * keep.length + j] = t.data[r * cols + c]));
  return { shape: [rows, keep.length], data };
}

/** A copy of a [rows, cols] tensor with every column outside `keep` zeroed. */
function zeroCols(t: Tensor, keep: number[]): Tensor {
  const [rows, cols] = t.shape;
  const kept = new Set(keep);
  const data = new Float32Array(t.data);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) if (!kept.has(c)) data[r * cols + c] = 0;
  return { shape: t.shape, data };
}

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);
const headUnits = (heads: number[]): number[] => heads.flatMap((h) => range(HEAD_DIM).map((i) => h * HEAD_DIM + i));

/** The extended and dense versions of every tensor. */
function cut(tensors: Map<string, Tensor>): { extended: Map<string, Tensor>; dense: Map<string, Tensor> } {
  const extended = new Map(tensors);
  const dense = new Map(tensors);
  for (const k of KEEP) {
    const base = `model.${k.stack}.layers.${k.index}`;
    const units = range(k.ffn);
    extended.set(`${base}.fc1.weight`, pickRows(tensors.get(`${base}.fc1.weight`)!, units));
    extended.set(`${base}.fc1.bias`, pickRows(tensors.get(`${base}.fc1.bias`)!, units));
    extended.set(`${base}.fc2.weight`, pickCols(tensors.get(`${base}.fc2.weight`)!, units));
    dense.set(`${base}.fc2.weight`, zeroCols(tensors.get(`${base}.fc2.weight`)!, units));
    const blocks: [string, number[] | undefined][] = [['self_attn', k.self], ['encoder_attn', k.cross]];
    for (const [block, heads] of blocks) {
      if (heads === undefined) continue;
      const at = `${base}.${block}`;
      const inner = headUnits(heads);
      for (const name of ['q_proj.weight', 'q_proj.bias', 'k_proj.weight', 'v_proj.weight', 'v_proj.bias']) {
        extended.set(`${at}.${name}`, pickRows(tensors.get(`${at}.${name}`)!, inner));
      }
      extended.set(`${at}.out_proj.weight`, pickCols(tensors.get(`${at}.out_proj.weight`)!, inner));
      dense.set(`${at}.out_proj.weight`, zeroCols(tensors.get(`${at}.out_proj.weight`)!, inner));
    }
  }
  return { extended, dense };
}

async function writeModel(dir: string, from: string, tensors: Map<string, Tensor>, config: Record<string, unknown>): Promise<void> {
  await fs.mkdir(dir);
  for (const file of await fs.readdir(from)) {
    if (file !== 'model.safetensors' && file !== 'config.json') await fs.copyFile(path.join(from, file), path.join(dir, file));
  }
  await fs.writeFile(path.join(dir, 'config.json'), JSON.stringify(config));
  const sink = await createCheckpointSink(dir, { metadata: { format: 'pt' } });
  for (const [name, t] of tensors) await sink.addFloat32(name, 'F32', t.shape, t.data);
  await sink.commit();
}

// Hooks and tests run models on a plain-JS engine; shared CI machines can be slow.
jest.setTimeout(120_000);

let root: string;
beforeAll(async () => {
  root = await tempDir('runtime-whisper-extended-');
});
afterAll(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

test('an extended export with per-layer widths loads and matches its dense twin', async () => {
  const original = path.join(root, 'original');
  await synthesize({ arch: 'whisper-tiny', outDir: original, seed: 5, config: SMALL });
  const source = await openCheckpoint(original);
  const tensors = new Map<string, Tensor>();
  for (const info of source.list()) tensors.set(info.name, { shape: info.shape, data: await source.readFloat32(info.name) });
  await source.close();
  const config = JSON.parse(await fs.readFile(path.join(original, 'config.json'), 'utf8')) as Record<string, unknown>;
  const { extended, dense } = cut(tensors);
  const layers = KEEP.map((k) => ({
    stack: k.stack,
    index: k.index,
    ffn_dim: k.ffn,
    self_attention_heads: k.self.length,
    ...(k.cross === undefined ? {} : { cross_attention_heads: k.cross.length }),
  }));
  await writeModel(path.join(root, 'extended'), original, extended, { ...config, speechfold: { version: 1, export: 'extended', layers, head_dim: HEAD_DIM } });
  await writeModel(path.join(root, 'dense'), original, dense, config);

  const engine = new JsEngine();
  const ext = await loadWhisper(path.join(root, 'extended'), engine);
  const den = await loadWhisper(path.join(root, 'dense'), engine);
  expect(ext.layers.map((w) => w.ffnDim)).toEqual([96, 128, 64, 112]);
  expect(ext.weights.encoderLayers[1].selfAttn.heads).toBe(3);
  expect(ext.weights.decoderLayers[0].crossAttn.heads).toBe(2);
  expect(ext.weights.decoderLayers[1].selfAttn.heads).toBe(3);

  const features = seededFeatures(7, 80, 300);
  const encExt = await encode(ext, features);
  const encDen = await encode(den, features);
  expect(maxAbsDiff(encExt.data, encDen.data)).toBeLessThanOrEqual(1e-5);

  // The encoder graph reads each layer's widths from its weights: same output on onnxruntime.
  const ort = await createOnnxruntimeEngine({ threads: 1 });
  try {
    for (const mode of ['fused', 'matmul'] as const) {
      const graphExt = await loadWhisper(path.join(root, 'extended'), ort, { encoderGraph: mode });
      expect(maxAbsDiff((await encode(graphExt, features)).data, encExt.data)).toBeLessThanOrEqual(1e-5);
    }
  } finally {
    await ort.dispose();
  }

  const logitsExt: Float32Array[] = [];
  const logitsDen: Float32Array[] = [];
  const a = await greedyDecode(ext, encExt, { maxNewTokens: 8, onLogits: (_s, l) => logitsExt.push(l) });
  const b = await greedyDecode(den, encDen, { maxNewTokens: 8, onLogits: (_s, l) => logitsDen.push(l) });
  expect(a.tokens).toEqual(b.tokens);
  logitsExt.forEach((l, i) => expect(maxAbsDiff(l, logitsDen[i])).toBeLessThanOrEqual(1e-4));
  for (const l of logitsExt) expect(l.every(Number.isFinite)).toBe(true);

  // The decoder step graph reads each layer's widths (self and cross heads, FFN) from its weights too:
  // same ids and logits on onnxruntime as the per-op path.
  const ortDecode = await createOnnxruntimeEngine({ threads: 1 });
  try {
    const graphExt = await loadWhisper(path.join(root, 'extended'), ortDecode, { encoderGraph: 'off' });
    expect(decoderSessions(graphExt)).toBeDefined();
    const logitsGraph: Float32Array[] = [];
    const c = await greedyDecode(graphExt, encExt, { maxNewTokens: 8, onLogits: (_s, l) => logitsGraph.push(l) });
    expect(c.tokens).toEqual(a.tokens);
    logitsGraph.forEach((l, i) => expect(maxAbsDiff(l, logitsExt[i])).toBeLessThanOrEqual(1e-4));
  } finally {
    await ortDecode.dispose();
  }
});
