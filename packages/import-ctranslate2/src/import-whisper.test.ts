import { promises as fs } from 'node:fs';
import path from 'node:path';
import { FormatError, OptionError, PathError } from '@speechfold/core';
import { openCheckpoint, openSafetensors } from '@speechfold/safetensors';
import { Ct2Model } from './ct2-model';
import { ct2Bytes, int8Setting, readEntries } from './ct2-writer.test-helper';
import {
  FIXTURE_DIR,
  QUANTIZATIONS,
  fixtureModel,
  modelDirWith,
  tempDir,
  type Quantization,
} from './fixtures.test-helper';
import { importCTranslate2Whisper } from './import-whisper';

let dir: string;
beforeEach(async () => {
  dir = await tempDir();
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

/** Whether CTranslate2 quantizes the HF tensor `name` (linear, conv and embedding weights). */
function isQuantizedWeight(name: string): boolean {
  return name.endsWith('.weight') && !name.includes('layer_norm') && !name.includes('embed_positions');
}

const amax = (a: Float32Array): number => a.reduce((m, v) => Math.max(m, Math.abs(v)), 0);

/** The HF tensors CTranslate2 fuses with `name` (int16 has one scale for the whole fused matrix). */
function fusedWith(name: string): string[] {
  const m = /^(.*\.(self_attn|encoder_attn))\.(q|k|v)_proj\.weight$/.exec(name);
  if (!m) return [name];
  const projections = m[2] === 'self_attn' ? ['q', 'k', 'v'] : m[3] === 'q' ? ['q'] : ['k', 'v'];
  return projections.map((p) => `${m[1]}.${p}_proj.weight`);
}

/** The largest error each quantization may leave: `rowValues` is the value's row, `matrixAmax` the max |value| of its fused matrix. */
function bound(q: Quantization, name: string, matrixAmax: number, rowValues: Float32Array, value: number): number {
  const slack = 1e-7;
  if (isQuantizedWeight(name) && (q === 'int8' || q === 'int8_float16')) return amax(rowValues) / 254 + slack;
  if (isQuantizedWeight(name) && q === 'int16') return matrixAmax / 2048 + slack;
  const floats = q === 'int8' || q === 'int16' ? 'float32' : q === 'int8_float16' ? 'float16' : q;
  if (floats === 'float16') return Math.abs(value) * 2 ** -11 + slack;
  if (floats === 'bfloat16') return Math.abs(value) * 2 ** -8 + slack;
  return 0; // float32 is copied exactly
}

describe('importCTranslate2Whisper on the tiny fixtures', () => {
  it.each(QUANTIZATIONS)('%s: every HF tensor matches the original weights within the storage precision', async (q) => {
    const out = path.join(dir, 'hf');
    const result = await importCTranslate2Whisper(FIXTURE_DIR, out, { parts: [fixtureModel(q)], dtype: 'F32' });
    const [got, reference] = [
      await openCheckpoint(out),
      await openSafetensors(path.join(FIXTURE_DIR, 'reference.safetensors')),
    ];
    try {
      expect(
        got
          .list()
          .map((t) => t.name)
          .sort(),
      ).toEqual(
        reference
          .list()
          .map((t) => t.name)
          .sort(),
      );
      expect(result.parameters).toBe(3328); // the tiny model's HF parameter count (proj_out tied, stored once)
      for (const t of reference.list()) {
        expect(got.info(t.name)).toEqual({ ...t, dtype: 'F32' });
        const [a, b] = [await got.readFloat32(t.name), await reference.readFloat32(t.name)];
        let matrixAmax = 0;
        for (const other of fusedWith(t.name))
          matrixAmax = Math.max(matrixAmax, amax(await reference.readFloat32(other)));
        const rowSize = b.length / t.shape[0];
        for (let i = 0; i < b.length; i++) {
          const row = b.subarray(Math.floor(i / rowSize) * rowSize, (Math.floor(i / rowSize) + 1) * rowSize);
          const err = Math.abs(a[i] - b[i]);
          if (err > bound(q, t.name, matrixAmax, row, b[i]))
            throw new Error(`${q} ${t.name}[${i}]: ${a[i]} vs ${b[i]}`);
        }
      }
    } finally {
      await Promise.all([got.close(), reference.close()]);
    }
  });

  it('writes config.json, generation and preprocessor configs from the shapes, tokenizer and CTranslate2 config', async () => {
    const out = path.join(dir, 'hf');
    const result = await importCTranslate2Whisper(FIXTURE_DIR, out, { parts: [fixtureModel('float16')] });
    expect(result.files.sort()).toEqual((await fs.readdir(out)).sort());
    const config = JSON.parse(await fs.readFile(path.join(out, 'config.json'), 'utf8'));
    expect(config).toEqual(result.config);
    expect(config).toMatchObject({
      architectures: ['WhisperForConditionalGeneration'],
      vocab_size: 24,
      num_mel_bins: 4,
      d_model: 8,
      encoder_layers: 2,
      decoder_layers: 2,
      encoder_attention_heads: 2,
      decoder_attention_heads: 2,
      encoder_ffn_dim: 12,
      decoder_ffn_dim: 12,
      max_source_positions: 6,
      max_target_positions: 8,
      eos_token_id: 12,
      decoder_start_token_id: 13,
      tie_word_embeddings: true,
      torch_dtype: 'float16',
      begin_suppress_tokens: [4, 12],
      suppress_tokens: [0, 9, 13, 16, 17, 18, 19, 20],
      forced_decoder_ids: null,
    });
    const generation = JSON.parse(await fs.readFile(path.join(out, 'generation_config.json'), 'utf8'));
    expect(generation).toMatchObject({
      alignment_heads: [
        [1, 0],
        [1, 1],
      ],
      begin_suppress_tokens: [4, 12],
      suppress_tokens: [0, 9, 13, 16, 17, 18, 19, 20],
      decoder_start_token_id: 13,
      no_timestamps_token_id: 21,
      prev_sot_token_id: 19,
      forced_decoder_ids: null,
      is_multilingual: false, // HF calls only a 51865+ vocabulary multilingual
      max_length: 8,
    });
    const preprocessor = JSON.parse(await fs.readFile(path.join(out, 'preprocessor_config.json'), 'utf8'));
    expect(preprocessor).toMatchObject({ feature_size: 4, feature_extractor_type: 'WhisperFeatureExtractor' });
    // float16 weights are written as F16 by default: the same bits, half the size of F32.
    const st = await openCheckpoint(out);
    try {
      expect(new Set(st.list().map((t) => t.dtype))).toEqual(new Set(['F16']));
    } finally {
      await st.close();
    }
  });

  it('derives the slow-tokenizer files from tokenizer.json', async () => {
    const out = path.join(dir, 'hf');
    await importCTranslate2Whisper(FIXTURE_DIR, out, { parts: [fixtureModel('int8')] });
    const read = async (name: string): Promise<string> => fs.readFile(path.join(out, name), 'utf8');
    expect(await read('tokenizer.json')).toBe(await fs.readFile(path.join(FIXTURE_DIR, 'tokenizer.json'), 'utf8'));
    expect(Object.keys(JSON.parse(await read('vocab.json')))).toEqual([
      '!',
      'a',
      'b',
      'c',
      '\u0120',
      'ab',
      '\u0120a',
      '\u0120ab',
      'abc',
      'ca',
      '\u0120c',
      'bc',
    ]);
    expect((await read('merges.txt')).split('\n')).toEqual([
      '#version: 0.2',
      'a b',
      '\u0120 a',
      '\u0120a b',
      'ab c',
      'c a',
      '\u0120 c',
      'b c',
      '',
    ]);
    const added = JSON.parse(await read('added_tokens.json'));
    expect(added).toMatchObject({ '<|endoftext|>': 12, '<|notimestamps|>': 21, '<|0.02|>': 23 });
    const tc = JSON.parse(await read('tokenizer_config.json'));
    expect(tc).toMatchObject({ tokenizer_class: 'WhisperTokenizer', eos_token: '<|endoftext|>' });
    expect(tc.added_tokens_decoder['22']).toMatchObject({ content: '<|0.00|>', special: false, normalized: true });
    const stm = JSON.parse(await read('special_tokens_map.json'));
    expect(stm.additional_special_tokens).toEqual([
      '<|startoftranscript|>',
      '<|en|>',
      '<|de|>',
      '<|translate|>',
      '<|transcribe|>',
      '<|startoflm|>',
      '<|startofprev|>',
      '<|nocaptions|>',
      '<|notimestamps|>',
    ]);
  });

  it('defaults to F32 for quantized or bfloat16 models, and honours dtype', async () => {
    for (const [q, dtype, want] of [
      ['int8', undefined, 'F32'],
      ['bfloat16', undefined, 'F32'],
      ['float16', 'F32', 'F32'],
    ] as const) {
      const out = path.join(dir, `${q}-${dtype}`);
      await importCTranslate2Whisper(FIXTURE_DIR, out, { parts: [fixtureModel(q)], dtype });
      const st = await openCheckpoint(out);
      expect(st.info('model.encoder.conv1.weight').dtype).toBe(want);
      await st.close();
    }
    await expect(
      importCTranslate2Whisper(FIXTURE_DIR, path.join(dir, 'x'), {
        parts: [fixtureModel('int8')],
        dtype: 'BF16' as 'F16',
      }),
    ).rejects.toBeInstanceOf(OptionError);
  });

  it('reads model.bin from the dir, and asks for parts when only model.bin.part* are there', async () => {
    await fs.mkdir(path.join(dir, 'in'));
    const input = await modelDirWith(path.join(dir, 'in'), await fs.readFile(fixtureModel('float32')));
    const result = await importCTranslate2Whisper(input, path.join(dir, 'out'));
    expect(result.config.d_model).toBe(8);
    await fs.rename(path.join(input, 'model.bin'), path.join(input, 'model.bin.part1'));
    await expect(importCTranslate2Whisper(input, path.join(dir, 'out2'))).rejects.toThrow(
      /found model\.bin\.part1: pass every part, in order, as the parts option/,
    );
  });

  it('refuses a non-empty output dir and leaves nothing behind when the model is corrupt', async () => {
    await fs.mkdir(path.join(dir, 'busy'));
    await fs.writeFile(path.join(dir, 'busy', 'x'), 'x');
    await expect(
      importCTranslate2Whisper(FIXTURE_DIR, path.join(dir, 'busy'), { parts: [fixtureModel('int8')] }),
    ).rejects.toBeInstanceOf(PathError);
    const truncated = path.join(dir, 'truncated.bin');
    await fs.writeFile(truncated, (await fs.readFile(fixtureModel('int8'))).subarray(0, 5000));
    const err = await importCTranslate2Whisper(FIXTURE_DIR, path.join(dir, 'out'), { parts: [truncated] }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(FormatError);
    expect((err as FormatError).subject.file).toBe(truncated);
    expect((await fs.readdir(dir)).sort()).toEqual(['busy', 'truncated.bin']);
  });

  it('refuses an output inside the input dir or holding it, before reading any weight', async () => {
    await fs.mkdir(path.join(dir, 'in'));
    const input = await modelDirWith(path.join(dir, 'in'), await fs.readFile(fixtureModel('float32')));
    await expect(importCTranslate2Whisper(input, path.join(input, 'hf'))).rejects.toThrow(/--out: .* is inside the input/);
    await expect(importCTranslate2Whisper(input, dir)).rejects.toThrow(/--out: .* holds the input/);
    expect((await fs.readdir(input)).filter((n) => n.includes('partial'))).toEqual([]);
  });
});

describe('importCTranslate2Whisper refuses models HF Whisper cannot express', () => {
  /** The int8 fixture with variables added, replaced or removed, written to `<dir>/model.bin` beside the side files. */
  async function variant(change: (entries: Awaited<ReturnType<typeof readEntries>>) => void): Promise<string> {
    const model = await Ct2Model.open(fixtureModel('int8'));
    const parsed = await readEntries(model);
    await model.close();
    change(parsed);
    parsed.entries.sort((a, b) => (a.name < b.name ? -1 : 1));
    return modelDirWith(await fs.mkdtemp(path.join(dir, 'in-')), ct2Bytes(parsed.entries, parsed.aliases));
  }

  it('a model of another spec', async () => {
    const model = await Ct2Model.open(fixtureModel('float16'));
    const { entries, aliases } = await readEntries(model);
    await model.close();
    const input = await modelDirWith(
      await fs.mkdtemp(path.join(dir, 'in-')),
      ct2Bytes(entries, aliases, { spec: 'TransformerSpec' }),
    );
    await expect(importCTranslate2Whisper(input, path.join(dir, 'out'))).rejects.toThrow(
      /model\.bin: holds a TransformerSpec \(revision 3\); expected a WhisperSpec of revision 3/,
    );
  });

  it('a stored weight no HF parameter holds', async () => {
    const input = await variant(({ entries }) => {
      entries.push({ name: 'decoder/projection/bias', dtype: 'float32', shape: [24], bytes: new Uint8Array(96) });
    });
    await expect(importCTranslate2Whisper(input, path.join(dir, 'out'))).rejects.toThrow(
      /tensor 'decoder\/projection\/bias': is stored but no HF Whisper parameter holds it/,
    );
  });

  it('a setting that changes the computation (ReLU instead of GELU), or an unknown one switched on', async () => {
    const relu = await variant(({ entries }) => {
      entries[entries.findIndex((e) => e.name === 'decoder/activation')] = int8Setting('decoder/activation', 0);
    });
    await expect(importCTranslate2Whisper(relu, path.join(dir, 'out'))).rejects.toThrow(
      /tensor 'decoder\/activation': is 0; expected 3/,
    );
    const unknown = await variant(({ entries }) => entries.push(int8Setting('decoder/rotary_dim', 1)));
    await expect(importCTranslate2Whisper(unknown, path.join(dir, 'out'))).rejects.toThrow(
      /an unknown setting is only safe when off/,
    );
  });

  it('a missing variable, named', async () => {
    const input = await variant((p) => {
      p.entries = p.entries.filter(
        (e) =>
          e.name !== 'encoder/layer_1/ffn/linear_1/weight' && e.name !== 'encoder/layer_1/ffn/linear_1/weight_scale',
      );
    });
    await expect(importCTranslate2Whisper(input, path.join(dir, 'out'))).rejects.toThrow(
      /tensor 'encoder\/layer_1\/ffn\/linear_1\/weight': missing; needed for model\.encoder\.layers\.1\.fc2\.weight/,
    );
  });

  it('an untied projection is written as proj_out.weight', async () => {
    const input = await variant((p) => {
      const embeddings = p.entries.filter((e) => e.name.startsWith('decoder/embeddings/'));
      p.aliases = p.aliases.filter(([alias]) => alias !== 'decoder/projection/weight');
      const [weight, scale] = embeddings.map((e) => ({
        ...e,
        name: e.name.replace('embeddings', 'projection'),
        bytes: Uint8Array.from(e.bytes),
      }));
      weight.bytes[0] ^= 1;
      p.entries.push(weight, scale);
    });
    const result = await importCTranslate2Whisper(input, path.join(dir, 'out'));
    expect(result.config.tie_word_embeddings).toBe(false);
    const st = await openCheckpoint(path.join(dir, 'out'));
    expect(st.info('proj_out.weight').shape).toEqual([24, 8]);
    await st.close();
  });
});
