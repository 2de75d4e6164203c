import { erf, erfSeries } from './erf';
import { gelu, geluInPlace } from './gelu';

describe('erf', () => {
  it('matches known values to 1e-14', () => {
    // Values of erf to 16 digits (Python math.erf).
    const known: Array<[number, number]> = [
      [0, 0],
      [0.5, 0.5204998778130465],
      [1, 0.8427007929497149],
      [2, 0.9953222650189527],
      [3, 0.9999779095030014],
      [-1.5, -0.9661051464753108],
    ];
    for (const [x, value] of known) expect(Math.abs(erf(x) - value)).toBeLessThan(1e-14);
  });

  it('agrees with the series everywhere on [-7, 7] (max error < 1e-7, in fact ~1e-14)', () => {
    let max = 0;
    for (let x = -7; x <= 7; x += 0.000731) max = Math.max(max, Math.abs(erf(x) - erfSeries(x)));
    expect(max).toBeLessThan(1e-13);
  });

  it('saturates and keeps NaN', () => {
    expect(erf(40)).toBe(1);
    expect(erf(-Infinity)).toBe(-1);
    expect(erf(NaN)).toBeNaN();
  });
});

describe('gelu', () => {
  it('is x * Phi(x), not the tanh approximation', () => {
    // torch.nn.functional.gelu(torch.tensor([1., -1., 2., 0.5], dtype=torch.float64))
    const x = Float32Array.of(1, -1, 2, 0.5);
    const expected = [0.841344746068543, -0.15865525393145702, 1.9544997361036416, 0.34573123063700656];
    const got = gelu(x);
    for (let i = 0; i < x.length; i++) expect(Math.abs(got[i] - expected[i])).toBeLessThan(1e-7);
    expect(Array.from(x)).toEqual([1, -1, 2, 0.5]);
    expect(geluInPlace(x)).toBe(x);
  });
});
