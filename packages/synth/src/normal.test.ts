import { Random } from '@speechfold/core';
import { fillNormal, fillUniform } from './normal';

const minOf = (x: Float32Array): number => x.reduce((a, b) => Math.min(a, b), Infinity);
const maxOf = (x: Float32Array): number => x.reduce((a, b) => Math.max(a, b), -Infinity);

function moments(x: Float32Array): { mean: number; variance: number; kurtosis: number; beyond3: number } {
  let mean = 0;
  for (const v of x) mean += v / x.length;
  let m2 = 0;
  let m4 = 0;
  let beyond3 = 0;
  for (const v of x) {
    const d = v - mean;
    m2 += (d * d) / x.length;
    m4 += (d * d * d * d) / x.length;
  }
  const sd = Math.sqrt(m2);
  for (const v of x) if (Math.abs(v - mean) > 3 * sd) beyond3++;
  return { mean, variance: m2, kurtosis: m4 / (m2 * m2), beyond3: beyond3 / x.length };
}

describe('fillNormal (ziggurat)', () => {
  it('draws a standard normal: mean 0, variance 1, kurtosis 3, 0.27% beyond 3 sigma', () => {
    const x = fillNormal(new Random(11), new Float32Array(400_000));
    const m = moments(x);
    expect(Math.abs(m.mean)).toBeLessThan(0.01);
    expect(Math.abs(m.variance - 1)).toBeLessThan(0.01);
    expect(Math.abs(m.kurtosis - 3)).toBeLessThan(0.05);
    expect(Math.abs(m.beyond3 - 0.0027)).toBeLessThan(0.0004);
  });

  it('follows the normal CDF at a few quantiles', () => {
    const x = fillNormal(new Random(5), new Float32Array(200_000));
    const below = (t: number): number => x.reduce((n, v) => n + (v < t ? 1 : 0), 0) / x.length;
    expect(below(0)).toBeCloseTo(0.5, 2);
    expect(below(-1)).toBeCloseTo(0.158655, 2);
    expect(below(1.959964)).toBeCloseTo(0.975, 2);
    expect(below(-3.5)).toBeLessThan(0.0005); // the tail beyond the last layer is reached, not cut
    expect(minOf(x)).toBeLessThan(-3.442619855899);
  });

  it('scales and shifts, and repeats for one seed', () => {
    const a = fillNormal(new Random(1), new Float32Array(1000), 0.02, 1);
    const b = fillNormal(new Random(1), new Float32Array(1000), 0.02, 1);
    const c = fillNormal(new Random(2), new Float32Array(1000), 0.02, 1);
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    const m = moments(a);
    expect(Math.abs(m.mean - 1)).toBeLessThan(0.005);
    expect(Math.sqrt(m.variance)).toBeGreaterThan(0.015);
    expect(Math.sqrt(m.variance)).toBeLessThan(0.025);
  });
});

describe('fillUniform', () => {
  it('stays in range with mean near the middle', () => {
    const x = fillUniform(new Random(3), new Float32Array(100_000), 2, 4);
    expect(minOf(x)).toBeGreaterThanOrEqual(2);
    expect(maxOf(x)).toBeLessThanOrEqual(4);
    expect(moments(x).mean).toBeCloseTo(3, 1);
  });
});
