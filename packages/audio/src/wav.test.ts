import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FormatError } from '@speechfold/core';
import { encodeWav, parseWav } from './wav';
import { decodeAudio, decodeAudioFile } from './decode';

/** Values exactly representable as int16 / 32768, including both extremes. */
function int16Ramp(length: number, phase: number): Float32Array {
  const out = new Float32Array(length);
  for (let i = 0; i < length; i++) out[i] = (Math.round(32767 * Math.sin(0.01 * i + phase)) - (i === 5 ? 1 : 0)) / 32768;
  out[0] = -1;
  out[1] = 32767 / 32768;
  return out;
}

describe('WAV', () => {
  it('round-trips mono and stereo 16-bit PCM exactly', () => {
    const left = int16Ramp(1000, 0);
    const right = int16Ramp(1000, 1);
    const mono = parseWav(encodeWav([left], 16000), 'mono.wav');
    expect(mono.sampleRate).toBe(16000);
    expect(mono.channels).toEqual([left]);
    const stereo = parseWav(encodeWav([left, right], 22050), 'stereo.wav');
    expect(stereo.sampleRate).toBe(22050);
    expect(stereo.channels).toEqual([left, right]);
  });

  it('clips out-of-range values when encoding', () => {
    const decoded = parseWav(encodeWav([new Float32Array([1.5, -2, 1])], 16000), 'x.wav');
    expect(Array.from(decoded.channels[0], (v) => v * 32768)).toEqual([32767, -32768, 32767]);
  });

  it('skips unknown chunks and honours their padding byte', () => {
    const plain = encodeWav([int16Ramp(10, 0)], 16000);
    const extra = Buffer.from([...Buffer.from('LIST'), 3, 0, 0, 0, 1, 2, 3, 0]); // odd size + pad byte
    const withList = Buffer.concat([plain.subarray(0, 36), extra, plain.subarray(36)]);
    withList.writeUInt32LE(withList.length - 8, 4);
    expect(parseWav(withList, 'list.wav').channels).toEqual(parseWav(plain, 'plain.wav').channels);
  });

  it('rejects non-16-bit, truncated and data-less files, naming them', () => {
    const bytes = Buffer.from(encodeWav([int16Ramp(100, 0)], 16000));
    const eightBit = Buffer.from(bytes);
    eightBit.writeUInt16LE(8, 34);
    expect(() => parseWav(eightBit, 'eight.wav')).toThrow(/eight\.wav: WAV has 8 bits per sample/);
    const float = Buffer.from(bytes);
    float.writeUInt16LE(3, 20);
    expect(() => parseWav(float, 'float.wav')).toThrow(/float\.wav: WAV format tag 3/);
    expect(() => parseWav(bytes.subarray(0, 100), 'cut.wav')).toThrow(/cut\.wav: truncated WAV/);
    expect(() => parseWav(bytes.subarray(0, 36), 'nodata.wav')).toThrow(FormatError);
  });
});

describe('decoding WAV files', () => {
  let tmp: string;
  beforeAll(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'speechfold-wav-'));
  });
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('downmixes stereo to mono', async () => {
    const left = new Float32Array([0.5, 0.25, -0.5]);
    const right = new Float32Array([0, 0.25, 0.5]);
    const file = path.join(tmp, 'stereo.wav');
    fs.writeFileSync(file, encodeWav([left, right], 16000));
    const audio = await decodeAudioFile(file);
    expect(audio).toEqual({ samples: new Float32Array([0.25, 0.25, 0]), sampleRate: 16000, file });
  });

  it('a rate other than 16 kHz is a FormatError naming the file, its rate and 16000, unless resampling', async () => {
    const bytes = encodeWav([new Float32Array(8000)], 8000);
    const error = await decodeAudio(bytes, 'phone.wav').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FormatError);
    expect((error as FormatError).subject.file).toBe('phone.wav');
    expect((error as Error).message).toMatch(/^phone\.wav: sample rate is 8000 Hz, models expect 16000 Hz/);
    const audio = await decodeAudio(bytes, 'phone.wav', { resample: true });
    expect(audio.sampleRate).toBe(16000);
    expect(audio.samples).toHaveLength(16000);
  });
});
