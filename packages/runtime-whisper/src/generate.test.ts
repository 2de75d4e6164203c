/** Greedy decoding's prompt, suppression, stopping and option checks (HF parity is in parity.test.ts). */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { OptionError, type Matrix } from '@speechfold/core';
import { whisperPreset } from '@speechfold/adapter-whisper';
import { synthesize } from '@speechfold/synth';
import { encode } from './encoder';
import { greedyDecode, promptTokens, transcribe } from './generate';
import { readGenerationSettings } from './generation-config';
import { loadWhisper } from './load';
import type { WhisperModel } from './model';
import { QUICK_CONFIG, seededFeatures, tempDir } from './fixture.test-helper';
import { JsEngine } from './js-engine.test-helper';

let dir: string;
let model: WhisperModel;
let encoderOutput: Matrix;
let reference: number[];

// Hooks and tests run models on a plain-JS engine; shared CI machines can be slow.
jest.setTimeout(120_000);

beforeAll(async () => {
  dir = await tempDir('runtime-whisper-generate-');
  await synthesize({ arch: 'whisper-tiny', outDir: path.join(dir, 'model'), seed: 1, config: { ...QUICK_CONFIG, tie_word_embeddings: false } });
  model = await loadWhisper(path.join(dir, 'model'), new JsEngine());
  encoderOutput = await encode(model, seededFeatures(3, 80, 300));
  reference = (await greedyDecode(model, encoderOutput, { maxNewTokens: 6 })).tokens;
});

afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

/** The model with some generation settings changed. */
function withGeneration(changes: Partial<WhisperModel['generation']>): WhisperModel {
  return { ...model, generation: { ...model.generation, ...changes } };
}

test('the prompt is <|startoftranscript|> <|en|> <|transcribe|> <|notimestamps|>, or the asked language and task', () => {
  expect(promptTokens(model)).toEqual([50258, 50259, 50359, 50363]);
  expect(promptTokens(model, { language: 'de', task: 'translate' })).toEqual([50258, 50261, 50358, 50363]);
  expect(promptTokens(model, { language: '<|fr|>' })).toEqual([50258, 50265, 50359, 50363]);
  expect(() => promptTokens(model, { language: 'xx' })).toThrow(OptionError);
});

test("large-v3's ids (one more language) follow from its vocabulary when generation_config.json is absent", async () => {
  const generation = await readGenerationSettings(dir, whisperPreset('whisper-large-v3'));
  expect(promptTokens({ generation } as WhisperModel)).toEqual([50258, 50259, 50360, 50364]);
  expect(generation.eosTokenIds).toEqual([50257]);
  expect(generation.maxLength).toBe(448);
});

test('an English-only model (vocab 51864) is prompted <|startoftranscript|> <|notimestamps|> and only transcribes English', async () => {
  // No generation_config.json: the vocabulary size says English-only, as HF's rule does.
  const generation = await readGenerationSettings(dir, whisperPreset('whisper-tiny.en'));
  expect(generation.multilingual).toBe(false);
  expect(generation.eosTokenIds).toEqual([50256]);
  const en = { generation } as WhisperModel;
  expect(promptTokens(en)).toEqual([50257, 50362]);
  expect(promptTokens(en, { language: '<|en|>', task: 'transcribe' })).toEqual([50257, 50362]);
  expect(() => promptTokens(en, { language: 'de' })).toThrow(/language.*English-only/);
  expect(() => promptTokens(en, { task: 'translate' })).toThrow(OptionError);
  // generation_config.json's is_multilingual wins over the vocabulary size.
  await fs.writeFile(path.join(dir, 'generation_config.json'), JSON.stringify({ is_multilingual: false }));
  try {
    const flagged = await readGenerationSettings(dir, whisperPreset('whisper-tiny'));
    expect(promptTokens({ generation: flagged } as WhisperModel)).toEqual([50258, 50363]);
    await fs.writeFile(path.join(dir, 'generation_config.json'), JSON.stringify({ is_multilingual: 'no' }));
    await expect(readGenerationSettings(dir, whisperPreset('whisper-tiny'))).rejects.toThrow(/is_multilingual': expected true or false/);
  } finally {
    await fs.rm(path.join(dir, 'generation_config.json'));
  }
});

test('generation_config.json supplies suppress lists and the length limit', () => {
  expect(model.generation.beginSuppressTokens).toEqual([220, 50257]);
  expect(model.generation.suppressTokens).toContain(50358);
  expect(model.generation.maxLength).toBe(448);
});

test('decoding is deterministic and stops at maxNewTokens', async () => {
  const result = await greedyDecode(model, encoderOutput, { maxNewTokens: 6 });
  expect(result.tokens).toEqual(reference);
  expect(result.tokens).toHaveLength(6);
  expect(result.stopReason).toBe('length');
  expect(result.text).toBe(model.tokenizer.decode(reference, { skipSpecialTokens: true }));
});

test('end of text stops decoding and is left out of the tokens', async () => {
  const result = await greedyDecode(withGeneration({ eosTokenIds: [50257, reference[2]] }), encoderOutput, { maxNewTokens: 6 });
  expect(result.tokens).toEqual(reference.slice(0, 2));
  expect(result.stopReason).toBe('eos');
});

test('suppress_tokens never appear; begin_suppress_tokens only at the first step', async () => {
  const never = await greedyDecode(withGeneration({ suppressTokens: [reference[0]] }), encoderOutput, { maxNewTokens: 6 });
  expect(never.tokens).not.toContain(reference[0]);
  const first = await greedyDecode(withGeneration({ beginSuppressTokens: [reference[0]] }), encoderOutput, { maxNewTokens: 1 });
  expect(first.tokens[0]).not.toBe(reference[0]);
  // The logits are those of the unsuppressed model: the runner-up wins.
  const raw: Float32Array[] = [];
  await greedyDecode(model, encoderOutput, { maxNewTokens: 1, onLogits: (_s, l) => raw.push(l) });
  const masked = raw[0].slice();
  for (const id of [...model.generation.suppressTokens, ...model.generation.beginSuppressTokens, reference[0]]) masked[id] = -Infinity;
  expect(first.tokens[0]).toBe(masked.indexOf(Math.max(...masked)));
});

test('without maxNewTokens, generation_config max_length (prompt included) is the limit', async () => {
  const result = await greedyDecode(withGeneration({ maxLength: 7 }), encoderOutput);
  expect(result.tokens).toEqual(reference.slice(0, 3));
});

test('maxNewTokens must be a positive integer that fits max_target_positions', async () => {
  await expect(greedyDecode(model, encoderOutput, { maxNewTokens: 0 })).rejects.toThrow(OptionError);
  await expect(greedyDecode(model, encoderOutput, { maxNewTokens: 445 })).rejects.toThrow(/max_target_positions 448/);
});

test('transcribe = encode + greedyDecode', async () => {
  const result = await transcribe(model, seededFeatures(3, 80, 300), { maxNewTokens: 6 });
  expect(result.tokens).toEqual(reference);
});
