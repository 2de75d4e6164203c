import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ModelError, OptionError, PathError, numel, type TensorSource } from '@speechfold/core';
import { hubertParameters, hubertPreset } from '@speechfold/adapter-hubert';
import { validateWhisperConfig, whisperParameters } from '@speechfold/adapter-whisper';
import { openCheckpoint } from '@speechfold/safetensors';
import { ARCHS } from './archs';
import { synthesize } from './synthesize';

// A Whisper small enough for unit tests; the full 51865 vocabulary keeps the tokenizer ids real.
const TINY_WHISPER = {
  d_model: 16,
  encoder_layers: 2,
  decoder_layers: 2,
  encoder_attention_heads: 2,
  decoder_attention_heads: 2,
  encoder_ffn_dim: 32,
  decoder_ffn_dim: 32,
};

let root: string;
beforeAll(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'speechfold-synth-'));
});
afterAll(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

let counter = 0;
function freshDir(): string {
  return path.join(root, `out-${counter++}`);
}

async function readJson(dir: string, name: string): Promise<Record<string, unknown>> {
  return JSON.parse(await fs.readFile(path.join(dir, name), 'utf8')) as Record<string, unknown>;
}

async function withCheckpoint<T>(dir: string, use: (source: TensorSource) => Promise<T>): Promise<T> {
  const source = await openCheckpoint(dir);
  try {
    return await use(source);
  } finally {
    await source.close();
  }
}

async function tensorBytes(dir: string): Promise<Map<string, Buffer>> {
  return withCheckpoint(dir, async (source) => {
    const out = new Map<string, Buffer>();
    for (const t of source.list()) out.set(t.name, Buffer.from(await source.readBytes(t.name)));
    return out;
  });
}

function mean(x: Float32Array): number {
  return x.reduce((a, b) => a + b, 0) / x.length;
}

function std(x: Float32Array): number {
  const m = mean(x);
  return Math.sqrt(x.reduce((a, b) => a + (b - m) * (b - m), 0) / x.length);
}

describe('synthesize hubert-tiny', () => {
  let dir: string;
  beforeAll(async () => {
    dir = freshDir();
    const result = await synthesize({ arch: 'hubert-tiny', outDir: dir, seed: 7 });
    expect(result.dir).toBe(path.resolve(dir));
    expect(result.files).toEqual([
      'config.json',
      'model.safetensors',
      'preprocessor_config.json',
      'special_tokens_map.json',
      'speechfold-synthetic.json',
      'tokenizer_config.json',
      'vocab.json',
    ]);
    const spec = hubertParameters(hubertPreset('hubert-tiny'));
    expect(result.parameters).toBe(spec.reduce((n, p) => n + numel(p.shape), 0));
    let onDisk = 0;
    for (const f of result.files) onDisk += (await fs.stat(path.join(dir, f))).size;
    expect(result.bytes).toBe(onDisk);
  });

  it('stores exactly the HubertForCTC names and shapes, as F32, with format=pt metadata', async () => {
    const spec = hubertParameters(hubertPreset('hubert-tiny'));
    await withCheckpoint(dir, async (source) => {
      const stored = new Map(source.list().map((t) => [t.name, t]));
      expect([...stored.keys()].sort()).toEqual(spec.map((p) => p.name).sort());
      for (const p of spec) {
        expect(stored.get(p.name)?.shape).toEqual(p.shape);
        expect(stored.get(p.name)?.dtype).toBe('F32');
      }
      expect(source.metadata()).toEqual({ format: 'pt' });
    });
  });

  it('fills realistic values: weights N(0, 0.02), norm scales near 1, weight_g positive', async () => {
    await withCheckpoint(dir, async (source) => {
      const weight = await source.readFloat32('hubert.encoder.layers.0.feed_forward.intermediate_dense.weight');
      expect(Math.abs(mean(weight))).toBeLessThan(0.002);
      expect(std(weight)).toBeGreaterThan(0.018);
      expect(std(weight)).toBeLessThan(0.022);
      const bias = await source.readFloat32('hubert.encoder.layers.0.attention.q_proj.bias');
      expect(std(bias)).toBeGreaterThan(0.005);
      const scale = await source.readFloat32('hubert.encoder.layers.1.final_layer_norm.weight');
      expect(Math.abs(mean(scale) - 1)).toBeLessThan(0.02);
      expect(std(scale)).toBeGreaterThan(0.005);
      const g = await source.readFloat32('hubert.encoder.pos_conv_embed.conv.weight_g');
      expect(g.every((v) => v > 0)).toBe(true);
      const masked = await source.readFloat32('hubert.masked_spec_embed');
      expect(masked.every((v) => v >= 0 && v <= 1)).toBe(true);
    });
  });

  it('writes the HF config and the CTC tokenizer and feature-extractor files', async () => {
    const config = await readJson(dir, 'config.json');
    expect(config).toMatchObject({
      model_type: 'hubert',
      architectures: ['HubertForCTC'],
      hidden_size: 32,
      num_hidden_layers: 2,
      vocab_size: 32,
      feat_extract_norm: 'layer',
      torch_dtype: 'float32',
    });
    expect(typeof config.transformers_version).toBe('string');
    const vocab = await readJson(dir, 'vocab.json');
    expect(Object.keys(vocab)).toHaveLength(32);
    expect(vocab).toMatchObject({ '<pad>': 0, '<s>': 1, '</s>': 2, '<unk>': 3, '|': 4, E: 5, "'": 27, Z: 31 });
    expect(await readJson(dir, 'tokenizer_config.json')).toMatchObject({
      tokenizer_class: 'Wav2Vec2CTCTokenizer',
      word_delimiter_token: '|',
      do_lower_case: false,
      pad_token: '<pad>',
    });
    expect(await readJson(dir, 'preprocessor_config.json')).toMatchObject({
      feature_extractor_type: 'Wav2Vec2FeatureExtractor',
      feature_size: 1,
      sampling_rate: 16000,
      padding_value: 0,
      do_normalize: true,
      return_attention_mask: true,
    });
  });

  it('repeats byte for byte with the same seed and differs with another', async () => {
    const again = freshDir();
    await synthesize({ arch: 'hubert-tiny', outDir: again, seed: 7 });
    expect(await fs.readFile(path.join(again, 'model.safetensors'))).toEqual(
      await fs.readFile(path.join(dir, 'model.safetensors'))
    );
    const other = freshDir();
    await synthesize({ arch: 'hubert-tiny', outDir: other, seed: 8 });
    const a = await tensorBytes(dir);
    const b = await tensorBytes(other);
    expect(b.get('lm_head.weight')?.equals(a.get('lm_head.weight') as Buffer)).toBe(false);
    expect(
      b
        .get('hubert.feature_projection.projection.weight')
        ?.equals(a.get('hubert.feature_projection.projection.weight') as Buffer)
    ).toBe(false);
  });
});

describe('synthesize options', () => {
  it.each(['F16', 'BF16'] as const)('keeps %s as the stored dtype and records torch_dtype', async (dtype) => {
    const dir = freshDir();
    await synthesize({ arch: 'hubert-tiny', outDir: dir, dtype });
    await withCheckpoint(dir, async (source) => {
      expect(new Set(source.list().map((t) => t.dtype))).toEqual(new Set([dtype]));
      const w = await source.readFloat32('hubert.encoder.layers.0.attention.k_proj.weight');
      expect(std(w)).toBeGreaterThan(0.018);
      expect(std(w)).toBeLessThan(0.022);
    });
    expect((await readJson(dir, 'config.json')).torch_dtype).toBe(dtype === 'F16' ? 'float16' : 'bfloat16');
  });

  it('shards with an index when maxShardBytes is exceeded, and reads back the same tensors', async () => {
    const dir = freshDir();
    const result = await synthesize({ arch: 'hubert-tiny', outDir: dir, maxShardBytes: 64 * 1024, seed: 7 });
    const shards = result.files.filter((f) => /^model-\d{5}-of-\d{5}\.safetensors$/.test(f));
    expect(shards.length).toBeGreaterThan(1);
    expect(result.files).toContain('model.safetensors.index.json');
    expect(result.files).not.toContain('model.safetensors');
    const index = await readJson(dir, 'model.safetensors.index.json');
    const weightMap = index.weight_map as Record<string, string>;
    expect(Object.keys(weightMap).sort()).toEqual(
      hubertParameters(hubertPreset('hubert-tiny'))
        .map((p) => p.name)
        .sort()
    );
    const single = freshDir();
    await synthesize({ arch: 'hubert-tiny', outDir: single, seed: 7 });
    const a = await tensorBytes(dir);
    const b = await tensorBytes(single);
    for (const [name, bytes] of a) expect(bytes.equals(b.get(name) as Buffer)).toBe(true);
  });

  it('refuses an unknown arch with an OptionError naming --arch and the choices', async () => {
    const dir = freshDir();
    const attempt = synthesize({ arch: 'wav2vec2-base' as never, outDir: dir });
    await expect(attempt).rejects.toBeInstanceOf(OptionError);
    await expect(synthesize({ arch: 'nope' as never, outDir: dir })).rejects.toMatchObject({
      subject: { option: '--arch' },
      message: expect.stringContaining(ARCHS.join(', ')),
    });
    await expect(fs.stat(dir)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('refuses bad dtype, seed and shard size before writing anything', async () => {
    const dir = freshDir();
    await expect(synthesize({ arch: 'hubert-tiny', outDir: dir, dtype: 'F64' as never })).rejects.toMatchObject({
      subject: { option: '--dtype' },
    });
    await expect(synthesize({ arch: 'hubert-tiny', outDir: dir, seed: -1 })).rejects.toMatchObject({
      subject: { option: '--seed' },
    });
    await expect(synthesize({ arch: 'hubert-tiny', outDir: dir, maxShardBytes: 0 })).rejects.toMatchObject({
      subject: { option: '--max-shard-bytes' },
    });
    await expect(synthesize({ arch: 'hubert-tiny', outDir: '' })).rejects.toMatchObject({ subject: { option: '--out' } });
    await expect(synthesize({ arch: 'hubert-tiny', outDir: dir, config: { vocab_size: 40 } })).rejects.toBeInstanceOf(
      ModelError
    );
    await expect(synthesize({ arch: 'whisper-tiny', outDir: dir, config: { d_model: 15 } })).rejects.toBeInstanceOf(
      ModelError
    );
    await expect(fs.stat(dir)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('refuses an existing non-empty outDir and leaves it untouched; accepts an empty one', async () => {
    const dir = freshDir();
    await fs.mkdir(dir);
    await fs.writeFile(path.join(dir, 'keep.txt'), 'mine');
    await expect(synthesize({ arch: 'hubert-tiny', outDir: dir })).rejects.toBeInstanceOf(PathError);
    expect(await fs.readdir(dir)).toEqual(['keep.txt']);
    const empty = freshDir();
    await fs.mkdir(empty);
    await expect(synthesize({ arch: 'hubert-tiny', outDir: empty })).resolves.toMatchObject({
      dir: path.resolve(empty),
    });
    const file = path.join(root, 'a-file');
    await fs.writeFile(file, 'x');
    await expect(synthesize({ arch: 'hubert-tiny', outDir: file })).rejects.toBeInstanceOf(PathError);
  });

  it('reports one progress step per tensor', async () => {
    const steps: string[] = [];
    await synthesize({
      arch: 'hubert-tiny',
      outDir: freshDir(),
      onProgress: (e) => {
        if (e.type === 'step' && e.item !== undefined) steps.push(e.item);
      },
    });
    expect(steps).toEqual(hubertParameters(hubertPreset('hubert-tiny')).map((p) => p.name));
  });
});

describe('synthesize a small whisper', () => {
  let dir: string;
  beforeAll(async () => {
    dir = freshDir();
    await synthesize({ arch: 'whisper-tiny', outDir: dir, config: TINY_WHISPER, seed: 3, dtype: 'F16' });
  }, 60_000);

  it('stores exactly the WhisperForConditionalGeneration names and shapes', async () => {
    const config = validateWhisperConfig(await readJson(dir, 'config.json'), 'config.json');
    expect(config).toMatchObject({
      d_model: 16,
      encoder_layers: 2,
      num_hidden_layers: 2,
      vocab_size: 51865,
      torch_dtype: 'float16',
    });
    const spec = whisperParameters(config);
    await withCheckpoint(dir, async (source) => {
      const stored = new Map(source.list().map((t) => [t.name, t]));
      expect([...stored.keys()].sort()).toEqual(spec.map((p) => p.name).sort());
      for (const p of spec) expect(stored.get(p.name)?.shape).toEqual(p.shape);
      expect(stored.has('proj_out.weight')).toBe(false);
      // Encoder positions are HF's sinusoids: position 0 is sin(0)=0 then cos(0)=1.
      const pos = await source.readFloat32('model.encoder.embed_positions.weight');
      expect(Array.from(pos.subarray(0, 16))).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1]);
      expect(pos[16]).toBeCloseTo(Math.sin(1), 3);
    });
  });

  it('writes generation, preprocessor and tokenizer files with the real token ids', async () => {
    const gen = await readJson(dir, 'generation_config.json');
    expect(gen).toMatchObject({
      decoder_start_token_id: 50258,
      eos_token_id: 50257,
      pad_token_id: 50257,
      begin_suppress_tokens: [220, 50257],
      task_to_id: { transcribe: 50359, translate: 50358 },
      no_timestamps_token_id: 50363,
      is_multilingual: true,
      max_length: 448,
      forced_decoder_ids: null,
    });
    expect((gen.lang_to_id as Record<string, number>)['<|en|>']).toBe(50259);
    expect(Object.keys(gen.lang_to_id as object)).toHaveLength(99);
    expect(gen.suppress_tokens).toHaveLength(88);
    expect(await readJson(dir, 'preprocessor_config.json')).toMatchObject({
      feature_extractor_type: 'WhisperFeatureExtractor',
      feature_size: 80,
      chunk_length: 30,
      hop_length: 160,
      n_fft: 400,
      n_samples: 480000,
      nb_max_frames: 3000,
      sampling_rate: 16000,
      padding_side: 'right',
      return_attention_mask: false,
    });
    const vocab = await readJson(dir, 'vocab.json');
    expect(Object.keys(vocab)).toHaveLength(50257);
    expect(vocab['Ġ']).toBe(220);
    const added = await readJson(dir, 'added_tokens.json');
    expect(added).toMatchObject({
      '<|endoftext|>': 50257,
      '<|startoftranscript|>': 50258,
      '<|notimestamps|>': 50363,
      '<|30.00|>': 51864,
    });
    const merges = (await fs.readFile(path.join(dir, 'merges.txt'), 'utf8')).split('\n');
    expect(merges[0]).toBe('#version: 0.2');
    expect(merges[merges.length - 1]).toBe('');
    const tokenizer = await readJson(dir, 'tokenizer_config.json');
    expect(tokenizer).toMatchObject({ tokenizer_class: 'WhisperTokenizer', eos_token: '<|endoftext|>' });
    expect((tokenizer.added_tokens_decoder as Record<string, { content: string }>)['50362'].content).toBe(
      '<|nocaptions|>'
    );
  });

  it('lays out the large-v3 vocabulary (51866) with ids shifted by the added language', async () => {
    const v3 = freshDir();
    await synthesize({ arch: 'whisper-large-v3', outDir: v3, config: TINY_WHISPER, dtype: 'BF16' });
    expect(await readJson(v3, 'generation_config.json')).toMatchObject({
      task_to_id: { transcribe: 50360, translate: 50359 },
      no_timestamps_token_id: 50364,
      prev_sot_token_id: 50362,
    });
    expect(await readJson(v3, 'added_tokens.json')).toMatchObject({
      '<|yue|>': 50358,
      '<|nospeech|>': 50363,
      '<|30.00|>': 51865,
    });
    expect(await readJson(v3, 'preprocessor_config.json')).toMatchObject({ feature_size: 128 });
    await withCheckpoint(v3, async (source) => {
      expect(source.info('model.encoder.conv1.weight').shape).toEqual([16, 128, 3]);
      expect(source.info('model.decoder.embed_tokens.weight').shape).toEqual([51866, 16]);
    });
  }, 60_000);
});

describe('config overrides', () => {
  it('keep derived fields in step (num_feat_extract_layers with conv_dim)', async () => {
    const dir = freshDir();
    const config = { conv_dim: [16, 16, 16], conv_kernel: [10, 8, 4], conv_stride: [5, 8, 8] };
    await synthesize({ arch: 'hubert-tiny', outDir: dir, config });
    expect(await readJson(dir, 'config.json')).toMatchObject({ ...config, num_feat_extract_layers: 3 });
    await withCheckpoint(dir, async (source) => {
      expect(source.info('hubert.feature_extractor.conv_layers.2.conv.weight').shape).toEqual([16, 16, 4]);
      expect(source.has('hubert.feature_extractor.conv_layers.3.conv.weight')).toBe(false);
    });
  });
});

describe('synthesize into missing dirs', () => {
  afterEach(() => jest.restoreAllMocks());

  it('creates the missing parents of outDir, and removes them again when the run fails', async () => {
    const base = freshDir();
    const made = await synthesize({ arch: 'hubert-tiny', outDir: path.join(base, 'a', 'b', 'hubert') });
    expect(made.files).toContain('model.safetensors');
    const failing = freshDir();
    const real = fs.writeFile;
    jest.spyOn(fs, 'writeFile').mockImplementation(((file: unknown, ...rest: unknown[]) =>
      String(file).endsWith('config.json')
        ? Promise.reject(Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' }))
        : (real as (...args: unknown[]) => Promise<void>)(file, ...rest)) as never);
    await expect(synthesize({ arch: 'hubert-tiny', outDir: path.join(failing, 'a', 'b', 'hubert') })).rejects.toThrow(/ENOSPC/);
    await expect(fs.stat(failing)).rejects.toThrow(/ENOENT/);
  });
});
