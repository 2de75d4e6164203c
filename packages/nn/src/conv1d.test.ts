import { MethodError, Random } from '@speechfold/core';
import { conv1d, conv1dOutputLength } from './conv1d';
import { CountingEngine, maxAbsDiff, randomArray, randomTensor } from './reference.test-helper';
import { framesToSignal, signalToFrames } from './signal';

/** Conv1d straight from torch's definition. */
function reference(x: { channels: number; length: number; data: Float32Array }, w: { shape: number[]; data: Float32Array }, b: Float32Array | undefined, stride: number, padding: number, groups: number): Float32Array {
  const [out, groupIn, kernel] = w.shape;
  const outLength = Math.floor((x.length + 2 * padding - kernel) / stride) + 1;
  const groupOut = out / groups;
  const y = new Float32Array(out * outLength);
  for (let o = 0; o < out; o++) {
    const g = Math.floor(o / groupOut);
    for (let t = 0; t < outLength; t++) {
      let s = b === undefined ? 0 : b[o];
      for (let c = 0; c < groupIn; c++) {
        for (let k = 0; k < kernel; k++) {
          const pos = t * stride + k - padding;
          if (pos < 0 || pos >= x.length) continue;
          s += w.data[(o * groupIn + c) * kernel + k] * x.data[(g * groupIn + c) * x.length + pos];
        }
      }
      y[o * outLength + t] = s;
    }
  }
  return y;
}

describe('conv1d', () => {
  const random = new Random(4);

  it.each([
    // [in, out, kernel, stride, padding, groups, length, engineMinWork, maxBlockValues]
    [1, 4, 10, 5, 0, 1, 63, undefined, undefined],
    [3, 5, 3, 2, 0, 1, 20, 0, undefined],
    [4, 4, 4, 1, 2, 2, 15, 0, undefined],
    [6, 6, 8, 1, 4, 3, 17, undefined, undefined],
    [4, 6, 3, 1, 1, 2, 40, 0, 24],
    [2, 3, 2, 3, 3, 1, 10, 0, 8],
  ])('matches the definition (in %i, out %i, kernel %i, stride %i, padding %i, groups %i, length %i)', async (inC, outC, kernel, stride, padding, groups, length, engineMinWork, maxBlockValues) => {
    const engine = new CountingEngine();
    const x = { channels: inC as number, length: length as number, data: randomArray(random, (inC as number) * (length as number)) };
    const w = randomTensor(random, [outC as number, (inC as number) / (groups as number), kernel as number]);
    const b = randomTensor(random, [outC as number]);
    const got = await conv1d(engine, x, w, b, { stride, padding, groups, engineMinWork, maxBlockValues });
    expect(got.channels).toBe(outC);
    expect(got.length).toBe(conv1dOutputLength(length as number, kernel as number, stride as number, padding as number));
    expect(maxAbsDiff(got.data, reference(x, w, b.data, stride as number, padding as number, groups as number))).toBeLessThan(1e-5);
    if (engineMinWork === 0) expect(engine.calls).toBeGreaterThan(0);
    const noBias = await conv1d(engine, x, w, undefined, { stride, padding, groups });
    expect(maxAbsDiff(noBias.data, reference(x, w, undefined, stride as number, padding as number, groups as number))).toBeLessThan(1e-5);
  });

  it('rejects a weight that does not fit the input', async () => {
    const x = { channels: 3, length: 5, data: new Float32Array(15) };
    await expect(conv1d(new CountingEngine(), x, randomTensor(random, [2, 2, 3]), undefined, {})).rejects.toBeInstanceOf(MethodError);
  });

  it('converts between channel-major signals and time-major frames', () => {
    const x = { channels: 2, length: 3, data: Float32Array.of(1, 2, 3, 4, 5, 6) };
    const frames = signalToFrames(x);
    expect(Array.from(frames.data)).toEqual([1, 4, 2, 5, 3, 6]);
    expect(framesToSignal(frames)).toEqual(x);
  });
});
