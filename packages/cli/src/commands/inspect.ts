import fs from 'node:fs/promises';
import path from 'node:path';
import { PathError, FormatError, missingModelPathError, numel, type DType } from '@speechfold/core';
import { openCheckpoint } from '@speechfold/safetensors';

/** The JSON `speechfold inspect --json` prints (documented in the README). */
export interface InspectReport {
  path: string;
  tensors: { name: string; dtype: DType; shape: number[] }[];
  parameters: number;
  config: Record<string, unknown> | null;
}

/** Reads a checkpoint's tensor table and config without loading any tensor data. */
export async function inspectCheckpoint(target: string): Promise<InspectReport> {
  const stat = await fs.stat(target).catch(() => null);
  // The same word for a hub id as compress's: nothing is downloaded.
  if (!stat) throw missingModelPathError(target);
  let config: Record<string, unknown> | null = null;
  if (stat.isDirectory()) {
    const configPath = path.join(target, 'config.json');
    const text = await fs.readFile(configPath, 'utf8').catch(() => null);
    if (text === null) throw new PathError(target, 'not a model dir: expected a config.json in it');
    try {
      config = JSON.parse(text) as Record<string, unknown>;
    } catch (cause) {
      throw new FormatError({ file: configPath }, `expected JSON: ${(cause as Error).message}`);
    }
  } else if (!target.endsWith('.safetensors') && !(await looksLikeSafetensors(target, stat.size))) {
    // A README, a .bin...: say what it is not, rather than what its first 8 bytes mean as a header length.
    throw new FormatError({ file: target }, 'not a safetensors file (expected a .safetensors file or a model dir)');
  }
  const source = await openCheckpoint(target);
  try {
    const tensors = source.list().map((t) => ({ name: t.name, dtype: t.dtype, shape: [...t.shape] }));
    const parameters = tensors.reduce((sum, t) => sum + numel(t.shape), 0);
    return { path: target, tensors, parameters, config };
  } finally {
    await source.close();
  }
}

/**
 * True when the file starts as a safetensors file does: a little-endian u64 header length that fits
 * in the file, then '{'. A file named *.safetensors is read as one whatever it holds, so that a
 * damaged one gets the reader's exact diagnosis.
 */
async function looksLikeSafetensors(file: string, size: number): Promise<boolean> {
  if (size < 10) return false;
  const handle = await fs.open(file, 'r');
  try {
    const head = Buffer.alloc(9);
    await handle.read(head, 0, 9, 0);
    const n = head.readBigUInt64LE(0);
    return n >= 2n && n <= BigInt(size - 8) && head[8] === 0x7b;
  } finally {
    await handle.close();
  }
}

/** A human-readable table of an InspectReport. */
export function formatInspect(report: InspectReport): string {
  const lines: string[] = [];
  const modelType = report.config && typeof report.config.model_type === 'string' ? report.config.model_type : null;
  lines.push(`${report.path}${modelType ? ` (${modelType})` : ''}`);
  const width = Math.max(4, ...report.tensors.map((t) => t.name.length));
  for (const t of report.tensors) {
    lines.push(`  ${t.name.padEnd(width)}  ${t.dtype.padEnd(7)}  [${t.shape.join(', ')}]`);
  }
  lines.push(`${report.tensors.length} tensors, ${report.parameters.toLocaleString('en-US')} parameters`);
  return lines.join('\n') + '\n';
}
