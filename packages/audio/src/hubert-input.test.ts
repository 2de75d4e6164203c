import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FormatError, PathError } from '@speechfold/core';
import { decodeAudioFile } from './decode';
import { hubertInput, readHubertPreprocessorConfig, zeroMeanUnitVariance } from './hubert-input';
import { LIBRISPEECH, REFERENCE_FIXTURES } from './shared-data.test-helper';

const fixture = JSON.parse(fs.readFileSync(path.join(REFERENCE_FIXTURES, 'whisper-features.json'), 'utf8')) as {
  utterance: string;
  hubert: { first: number[]; stats: { mean: number; std: number; min: number; max: number } };
};

describe('hubertInput', () => {
  it('normalises like Wav2Vec2FeatureExtractor(do_normalize=True) on a real file', async () => {
    const { samples } = await decodeAudioFile(path.join(LIBRISPEECH, fixture.utterance));
    const values = hubertInput(samples, { doNormalize: true });
    fixture.hubert.first.forEach((v, i) => expect(Math.abs(values[i] - v)).toBeLessThan(1e-5));
    let sum = 0;
    let squares = 0;
    let min = Infinity;
    let max = -Infinity;
    for (const v of values) (sum += v), (squares += v * v), (min = Math.min(min, v)), (max = Math.max(max, v));
    const mean = sum / values.length;
    expect(Math.abs(mean - fixture.hubert.stats.mean)).toBeLessThan(1e-5);
    expect(Math.abs(Math.sqrt(squares / values.length - mean * mean) - fixture.hubert.stats.std)).toBeLessThan(1e-5);
    expect(Math.abs(min - fixture.hubert.stats.min)).toBeLessThan(1e-4);
    expect(Math.abs(max - fixture.hubert.stats.max)).toBeLessThan(1e-4);
  });

  it('passes raw samples through (as a copy) without do_normalize', () => {
    const raw = new Float32Array([0.1, -0.2, 0.3]);
    const out = hubertInput(raw, { doNormalize: false });
    expect(out).toEqual(raw);
    expect(out).not.toBe(raw);
  });

  it('uses sqrt(var + 1e-7): a constant signal becomes zeros, not NaN', () => {
    expect(zeroMeanUnitVariance(new Float32Array([0.5, 0.5, 0.5]))).toEqual(new Float32Array(3));
    const out = zeroMeanUnitVariance(new Float32Array([1, -1]));
    expect(out[0]).toBeCloseTo(1 / Math.sqrt(1 + 1e-7), 7);
  });
});

describe('readHubertPreprocessorConfig', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'speechfold-hubert-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reads do_normalize and sampling_rate, defaulting like Hugging Face', async () => {
    const file = path.join(dir, 'preprocessor_config.json');
    fs.writeFileSync(file, JSON.stringify({ feature_extractor_type: 'Wav2Vec2FeatureExtractor', do_normalize: false, sampling_rate: 16000 }));
    expect(await readHubertPreprocessorConfig(file)).toEqual({ doNormalize: false, samplingRate: 16000 });
    fs.writeFileSync(file, '{}');
    expect(await readHubertPreprocessorConfig(file)).toEqual({ doNormalize: true, samplingRate: 16000 });
  });

  it('names the file in its errors', async () => {
    const file = path.join(dir, 'bad.json');
    fs.writeFileSync(file, '{"do_normalize": "yes"}');
    await expect(readHubertPreprocessorConfig(file)).rejects.toThrow(FormatError);
    await expect(readHubertPreprocessorConfig(file)).rejects.toThrow(`${file}: do_normalize must be true or false`);
    fs.writeFileSync(file, '{not json');
    await expect(readHubertPreprocessorConfig(file)).rejects.toThrow(/not valid JSON/);
    await expect(readHubertPreprocessorConfig(path.join(dir, 'none.json'))).rejects.toThrow(PathError);
  });
});
