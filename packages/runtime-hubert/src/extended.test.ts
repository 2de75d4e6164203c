/**
 * Checkpoints in other layouts: an extended export (per-layer FFN widths and head counts from the
 * `speechfold` key), torch's parametrization names for the weight norm, and a bare HubertModel.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ModelError, OptionError, Tensor, TensorEngine } from '@speechfold/core';
import { createOnnxruntimeEngine } from '@speechfold/engine-onnxruntime';
import { editCheckpoint, keepCols, keepRows, zeroOtherCols } from './checkpoint-edit.test-helper';
import { MissingCtcHeadError } from './errors';
import { maxAbsDiff, readFixture, synthesizeFixtureModel, tempDir } from './fixtures.test-helper';
import { loadHubert } from './model';

let engine: TensorEngine;
let dir: string;
let original: string;
const fixture = readFixture('stable-layer-norm');

beforeAll(async () => {
  engine = await createOnnxruntimeEngine({ threads: 2 });
  dir = tempDir();
  original = await synthesizeFixtureModel(fixture, dir);
});

afterAll(async () => {
  await engine.dispose();
  fs.rmSync(dir, { recursive: true, force: true });
});

const range = (n: number, skip: (i: number) => boolean = () => false): number[] => Array.from({ length: n }, (_, i) => i).filter((i) => !skip(i));

describe('an extended export', () => {
  // hubert-tiny: hidden 32, 4 heads of 8, FFN 64, 2 layers. Layer 0 keeps 40 FFN units and every head;
  // layer 1 keeps 24 units and drops head 1.
  const headDim = 8;
  const ffnKeep = [range(64, (i) => i % 8 >= 5), range(64, (i) => i % 8 >= 3)];
  const headKeep = [range(4), [0, 2, 3]];
  const headRows = (heads: number[]): number[] => heads.flatMap((h) => range(headDim).map((c) => h * headDim + c));

  /** Which layer a per-layer tensor belongs to, and its role. */
  function parse(name: string): { layer: number; role: string } | null {
    const m = /^hubert\.encoder\.layers\.(\d+)\.(attention\.(?:[qkv]_proj|out_proj)|feed_forward\.(?:intermediate_dense|output_dense))\.(weight|bias)$/.exec(name);
    return m === null ? null : { layer: Number(m[1]), role: `${m[2]}.${m[3]}` };
  }

  /** Slices the tensors of removed units and heads away (what an extended export stores). */
  function slice(name: string, t: Tensor): Array<[string, Tensor]> {
    const p = parse(name);
    if (p === null) return [[name, t]];
    const units = ffnKeep[p.layer];
    const rows = headRows(headKeep[p.layer]);
    if (p.role.startsWith('feed_forward.intermediate_dense')) return [[name, keepRows(t, units)]];
    if (p.role === 'feed_forward.output_dense.weight') return [[name, keepCols(t, units)]];
    if (/^attention\.[qkv]_proj/.test(p.role)) return [[name, keepRows(t, rows)]];
    if (p.role === 'attention.out_proj.weight') return [[name, keepCols(t, rows)]];
    return [[name, t]];
  }

  /** Zeroes the removed units' and heads' output columns: the same function at the original shapes. */
  function zero(name: string, t: Tensor): Array<[string, Tensor]> {
    const p = parse(name);
    if (p === null) return [[name, t]];
    if (p.role === 'feed_forward.output_dense.weight') return [[name, zeroOtherCols(t, ffnKeep[p.layer])]];
    if (p.role === 'attention.out_proj.weight') return [[name, zeroOtherCols(t, headRows(headKeep[p.layer]))]];
    return [[name, t]];
  }

  const speechfoldKey = {
    version: 1,
    export: 'extended',
    layers: [0, 1].map((l) => ({ stack: 'encoder', index: l, ffn_dim: ffnKeep[l].length, self_attention_heads: headKeep[l].length })),
    head_dim: headDim,
  };

  it('loads with per-layer widths and computes what the zeroed dense model computes', async () => {
    const extended = path.join(dir, 'extended');
    const zeroed = path.join(dir, 'zeroed');
    await editCheckpoint(original, extended, slice, (config) => ({ ...config, speechfold: speechfoldKey }));
    await editCheckpoint(original, zeroed, zero);
    const model = await loadHubert(extended, engine);
    expect(model.layerWidths.map((w) => [w.ffnDim, w.selfAttentionHeads])).toEqual([
      [40, 4],
      [24, 3],
    ]);
    // Stock fields keep their original values.
    expect(model.config.intermediate_size).toBe(64);
    const reference = await loadHubert(zeroed, engine);
    const got = await model.logits(fixture.input_values);
    const expected = await reference.logits(fixture.input_values);
    expect(maxAbsDiff(got.data, expected.data)).toBeLessThan(1e-5);
    // The forward graph (default here) reads the per-layer widths as the per-op path does.
    expect(model.usesForwardGraph).toBe(true);
    const perOp = await loadHubert(extended, engine, { forwardGraph: 'off' });
    expect(maxAbsDiff(got.data, (await perOp.logits(fixture.input_values)).data)).toBeLessThan(1e-5);
    // Removing units and a head changes the function of the original model.
    const full = await (await loadHubert(original, engine)).logits(fixture.input_values);
    expect(maxAbsDiff(got.data, full.data)).toBeGreaterThan(1e-4);
    expect(typeof (await model.transcribe(fixture.waveform))).toBe('string');
  });

  it('is refused without the key (shapes disagree with the stock fields)', async () => {
    const noKey = path.join(dir, 'extended-no-key');
    await editCheckpoint(original, noKey, slice);
    await expect(loadHubert(noKey, engine)).rejects.toBeInstanceOf(ModelError);
  });
});

describe('other checkpoint layouts', () => {
  it("reads the weight norm under torch's parametrization names", async () => {
    const renamed = path.join(dir, 'parametrized');
    await editCheckpoint(original, renamed, (name, t) => [[name.replace(/\.weight_g$/, '.parametrizations.weight.original0').replace(/\.weight_v$/, '.parametrizations.weight.original1'), t]]);
    const model = await loadHubert(renamed, engine);
    expect(maxAbsDiff((await model.logits(fixture.input_values)).data, fixture.logits)).toBeLessThanOrEqual(1e-4);
  });

  it('runs a HubertModel (no prefix, no head) to hidden states, and refuses logits and text with a typed error', async () => {
    const bare = path.join(dir, 'bare');
    await editCheckpoint(
      original,
      bare,
      (name, t) => (name.startsWith('lm_head.') ? [] : [[name.replace(/^hubert\./, ''), t]]),
      (config) => ({ ...config, architectures: ['HubertModel'] }),
    );
    const model = await loadHubert(bare, engine);
    expect(model.hasCtcHead).toBe(false);
    const ctc = await loadHubert(original, engine);
    const hidden = await model.hiddenStates(fixture.input_values);
    expect(maxAbsDiff(hidden.data, (await ctc.hiddenStates(fixture.input_values)).data)).toBe(0);
    await expect(model.logits(fixture.input_values)).rejects.toBeInstanceOf(MissingCtcHeadError);
    await expect(model.transcribe(fixture.waveform)).rejects.toBeInstanceOf(ModelError);
  });

  it('refuses an input shorter than the conv receptive field', async () => {
    const model = await loadHubert(original, engine);
    expect(model.frameCount(399)).toBe(0);
    await expect(model.logits(new Float32Array(399))).rejects.toThrow(/receptive field/);
  });

  it("refuses an unknown forwardGraph option with an OptionError", async () => {
    await expect(loadHubert(original, engine, { forwardGraph: 'gpu' as never })).rejects.toBeInstanceOf(OptionError);
  });

  it('refuses an activation it does not implement, naming the field', async () => {
    const relu = path.join(dir, 'relu');
    await editCheckpoint(original, relu, (name, t) => [[name, t]], (config) => ({ ...config, hidden_act: 'relu' }));
    await expect(loadHubert(relu, engine)).rejects.toThrow(/hidden_act/);
  });
});
