import { MethodError, Random } from '@speechfold/core';
import { addBiasInPlace, linear } from './linear';
import { channelLayerNorm, groupNorm, layerNorm } from './norm';
import { framesToSignal, signalToFrames } from './signal';
import { softmaxRows, softmaxRowsInPlace } from './softmax';
import { CountingEngine, maxAbsDiff, randomArray, randomMatrix, randomTensor } from './reference.test-helper';

const random = new Random(2);

describe('linear', () => {
  function reference(x: { data: Float32Array; rows: number; cols: number }, w: Float32Array, b: Float32Array, out: number): Float32Array {
    const y = new Float32Array(x.rows * out);
    for (let r = 0; r < x.rows; r++) {
      for (let o = 0; o < out; o++) {
        let s = b[o];
        for (let i = 0; i < x.cols; i++) s += x.data[r * x.cols + i] * w[o * x.cols + i];
        y[r * out + o] = s;
      }
    }
    return y;
  }

  it('computes x W^T + b on both paths', async () => {
    const engine = new CountingEngine();
    const x = randomMatrix(random, 6, 9);
    const weight = randomTensor(random, [4, 9]);
    const bias = randomTensor(random, [4]);
    const expected = reference(x, weight.data, bias.data, 4);
    const js = await linear(engine, x, weight, bias);
    expect(engine.calls).toBe(0);
    const viaEngine = await linear(engine, x, weight, bias, { engineMinWork: 0 });
    expect(engine.calls).toBe(1);
    expect(maxAbsDiff(js.data, expected)).toBeLessThan(1e-5);
    expect(maxAbsDiff(viaEngine.data, expected)).toBeLessThan(1e-5);
    const noBias = await linear(engine, x, weight);
    expect(maxAbsDiff(addBiasInPlace(noBias, bias.data).data, expected)).toBeLessThan(1e-5);
  });

  it('rejects a weight of the wrong width', async () => {
    await expect(linear(new CountingEngine(), randomMatrix(random, 2, 3), randomTensor(random, [4, 5]))).rejects.toBeInstanceOf(MethodError);
  });
});

describe('layerNorm', () => {
  it('normalises each row with biased variance, then scales and shifts', () => {
    const x = randomMatrix(random, 5, 8);
    const w = randomTensor(random, [8]);
    const b = randomTensor(random, [8]);
    const got = layerNorm(x, w, b, 1e-5);
    const expected = new Float32Array(40);
    for (let r = 0; r < 5; r++) {
      const row = Array.from(x.data.subarray(r * 8, r * 8 + 8));
      const mean = row.reduce((s, v) => s + v, 0) / 8;
      const variance = row.reduce((s, v) => s + (v - mean) ** 2, 0) / 8;
      row.forEach((v, c) => (expected[r * 8 + c] = ((v - mean) / Math.sqrt(variance + 1e-5)) * w.data[c] + b.data[c]));
    }
    expect(maxAbsDiff(got.data, expected)).toBeLessThan(1e-5);
  });
});

describe('channelLayerNorm', () => {
  it('equals layerNorm on the transposed signal', () => {
    const x = { channels: 5, length: 9, data: randomArray(random, 45) };
    const w = randomTensor(random, [5]);
    const b = randomTensor(random, [5]);
    const expected = framesToSignal(layerNorm(signalToFrames(x), w, b, 1e-5));
    expect(maxAbsDiff(channelLayerNorm(x, w, b, 1e-5).data, expected.data)).toBeLessThan(1e-6);
  });
});

describe('groupNorm', () => {
  it('normalises each channel group over channels and time', () => {
    const channels = 6;
    const length = 7;
    const x = { channels, length, data: randomArray(random, channels * length) };
    const w = randomTensor(random, [channels]);
    const b = randomTensor(random, [channels]);
    for (const groups of [1, 2, 6]) {
      const got = groupNorm(x, groups, w, b, 1e-5);
      const per = channels / groups;
      const expected = new Float32Array(channels * length);
      for (let g = 0; g < groups; g++) {
        const values = Array.from(x.data.subarray(g * per * length, (g + 1) * per * length));
        const mean = values.reduce((s, v) => s + v, 0) / values.length;
        const variance = values.reduce((s, v) => s + (v - mean) ** 2, 0) / values.length;
        for (let c = g * per; c < (g + 1) * per; c++) {
          for (let t = 0; t < length; t++) {
            const v = x.data[c * length + t];
            expected[c * length + t] = ((v - mean) / Math.sqrt(variance + 1e-5)) * w.data[c] + b.data[c];
          }
        }
      }
      expect(maxAbsDiff(got.data, expected)).toBeLessThan(1e-5);
    }
    expect(() => groupNorm(x, 4, w, b, 1e-5)).toThrow(MethodError);
  });
});

describe('softmaxRows', () => {
  it('gives rows that sum to one, stable for large inputs', () => {
    const x = { data: Float32Array.of(1000, 1001, 1002, -1, 0, 1), rows: 2, cols: 3 };
    const got = softmaxRows(x);
    const e = [Math.exp(-2), Math.exp(-1), 1];
    const z = e[0] + e[1] + e[2];
    const expected = [e[0] / z, e[1] / z, e[2] / z, e[0] / z, e[1] / z, e[2] / z];
    expect(maxAbsDiff(got.data, expected)).toBeLessThan(1e-6);
  });

  it('applies a scale and zeroes masked entries', () => {
    const x = { data: Float32Array.of(2, 4, -Infinity), rows: 1, cols: 3 };
    const got = softmaxRowsInPlace(x, 0.5);
    const z = Math.exp(1) + Math.exp(2);
    expect(maxAbsDiff(got.data, [Math.exp(1) / z, Math.exp(2) / z, 0])).toBeLessThan(1e-6);
  });
});
