/** Test helper: writes an edited copy of a checkpoint directory (tensors renamed, sliced or dropped; config changed). */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Tensor } from '@speechfold/core';
import { createCheckpointSink, openCheckpoint } from '@speechfold/safetensors';

/** Returns the tensor(s) to write for one stored tensor: [] drops it. */
export type TensorEdit = (name: string, tensor: Tensor) => Array<[string, Tensor]>;

/** Copies src to dst (created) with every tensor passed through `edit` (fp32) and config.json through `editConfig`. */
export async function editCheckpoint(src: string, dst: string, edit: TensorEdit, editConfig: (config: Record<string, unknown>) => Record<string, unknown> = (c) => c): Promise<void> {
  fs.mkdirSync(dst, { recursive: true });
  for (const file of fs.readdirSync(src)) {
    if (file.endsWith('.json') && file !== 'config.json') fs.copyFileSync(path.join(src, file), path.join(dst, file));
  }
  const config = JSON.parse(fs.readFileSync(path.join(src, 'config.json'), 'utf8'));
  fs.writeFileSync(path.join(dst, 'config.json'), JSON.stringify(editConfig(config), null, 2));
  const source = await openCheckpoint(src);
  const sink = await createCheckpointSink(dst, { metadata: { format: 'pt' } });
  try {
    for (const info of source.list()) {
      const tensor = { shape: [...info.shape], data: await source.readFloat32(info.name) };
      for (const [name, t] of edit(info.name, tensor)) await sink.addFloat32(name, 'F32', t.shape, t.data);
    }
    await sink.commit();
  } finally {
    await source.close();
  }
}

/** Rows `keep` of a 2-D [rows, cols] tensor (or entries of a 1-D one). */
export function keepRows(t: Tensor, keep: readonly number[]): Tensor {
  const cols = t.shape.length === 1 ? 1 : t.shape[1];
  const out = new Float32Array(keep.length * cols);
  keep.forEach((r, i) => out.set(t.data.subarray(r * cols, (r + 1) * cols), i * cols));
  return { shape: t.shape.length === 1 ? [keep.length] : [keep.length, cols], data: out };
}

/** Columns `keep` of a 2-D tensor. */
export function keepCols(t: Tensor, keep: readonly number[]): Tensor {
  const [rows, cols] = t.shape;
  const out = new Float32Array(rows * keep.length);
  for (let r = 0; r < rows; r++) keep.forEach((c, i) => (out[r * keep.length + i] = t.data[r * cols + c]));
  return { shape: [rows, keep.length], data: out };
}

/** A copy of a 2-D tensor with every column not in `keep` set to 0. */
export function zeroOtherCols(t: Tensor, keep: readonly number[]): Tensor {
  const [rows, cols] = t.shape;
  const kept = new Set(keep);
  const out = new Float32Array(t.data);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) if (!kept.has(c)) out[r * cols + c] = 0;
  return { shape: [rows, cols], data: out };
}
