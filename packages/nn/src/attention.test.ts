import { Random } from '@speechfold/core';
import { multiHeadAttention } from './attention';
import { CountingEngine, maxAbsDiff, randomMatrix } from './reference.test-helper';

/** Attention straight from the definition, one query at a time. */
function reference(
  q: { data: Float32Array; rows: number },
  k: { data: Float32Array; rows: number },
  v: { data: Float32Array; rows: number },
  heads: number,
  d: number,
  causal: boolean,
  scale: number,
): Float32Array {
  const width = heads * d;
  const out = new Float32Array(q.rows * width);
  for (let h = 0; h < heads; h++) {
    for (let i = 0; i < q.rows; i++) {
      const visible = causal ? i + (k.rows - q.rows) + 1 : k.rows;
      const s: number[] = [];
      for (let j = 0; j < visible; j++) {
        let dot = 0;
        for (let c = 0; c < d; c++) dot += q.data[i * width + h * d + c] * k.data[j * width + h * d + c];
        s.push(dot * scale);
      }
      const max = Math.max(...s);
      const e = s.map((x) => Math.exp(x - max));
      const z = e.reduce((a, b) => a + b, 0);
      for (let c = 0; c < d; c++) {
        let acc = 0;
        for (let j = 0; j < visible; j++) acc += (e[j] / z) * v.data[j * width + h * d + c];
        out[i * width + h * d + c] = acc;
      }
    }
  }
  return out;
}

describe('multiHeadAttention', () => {
  const random = new Random(3);
  const heads = 3;
  const d = 4;

  it.each([
    ['self, JS path', 6, 6, false, undefined],
    ['self, engine path', 6, 6, false, 0],
    ['causal, JS path', 5, 5, true, undefined],
    ['causal with cached keys, engine path', 2, 7, true, 0],
    ['cross attention', 3, 8, false, undefined],
  ])('%s', async (_name, tq, tk, causal, engineMinWork) => {
    const engine = new CountingEngine();
    const q = randomMatrix(random, tq as number, heads * d);
    const k = randomMatrix(random, tk as number, heads * d);
    const v = randomMatrix(random, tk as number, heads * d);
    const got = await multiHeadAttention(engine, q, k, v, heads, d, { causal: causal as boolean, engineMinWork: engineMinWork as number | undefined });
    expect(maxAbsDiff(got.data, reference(q, k, v, heads, d, causal as boolean, 1 / Math.sqrt(d)))).toBeLessThan(1e-5);
    expect(engine.calls).toBe(engineMinWork === 0 ? 2 * heads : 0);
  });

  it('honours an explicit scale', async () => {
    const q = randomMatrix(random, 4, heads * d);
    const k = randomMatrix(random, 4, heads * d);
    const v = randomMatrix(random, 4, heads * d);
    const got = await multiHeadAttention(new CountingEngine(), q, k, v, heads, d, { scale: 1 });
    expect(maxAbsDiff(got.data, reference(q, k, v, heads, d, false, 1))).toBeLessThan(1e-5);
  });
});
