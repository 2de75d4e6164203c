import fs from 'node:fs/promises';
import path from 'node:path';
import { PathError, FormatError, numel, type DType } from '@speechfold/core';
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
  if (!stat) throw new PathError(target, 'no such file or directory');
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
