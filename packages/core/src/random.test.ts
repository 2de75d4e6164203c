import { Random } from './random';

describe('Random', () => {
  it('repeats for one seed and differs between seeds', () => {
    const a = new Random(42);
    const b = new Random(42);
    const c = new Random(43);
    const sa = Array.from({ length: 8 }, () => a.nextUint32());
    const sb = Array.from({ length: 8 }, () => b.nextUint32());
    const sc = Array.from({ length: 8 }, () => c.nextUint32());
    expect(sa).toEqual(sb);
    expect(sa).not.toEqual(sc);
  });

  it('draws uniforms in [0,1) and normals with mean 0 and variance 1', () => {
    const r = new Random(7);
    let mean = 0;
    let sq = 0;
    const n = 20000;
    for (let i = 0; i < n; i++) {
      const u = r.next();
      expect(u).toBeGreaterThanOrEqual(0);
      expect(u).toBeLessThan(1);
      const z = r.normal();
      mean += z / n;
      sq += (z * z) / n;
    }
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(Math.abs(sq - 1)).toBeLessThan(0.05);
  });
});
