import fc from 'fast-check';
import { MergeHeap } from './heap';

describe('MergeHeap', () => {
  it('pops entries in (key, a, b) order, carrying their stamps (property)', () => {
    const entry = fc.tuple(fc.constantFrom(0, 0.5, 1, 2, 3.25), fc.integer({ min: -1, max: 5 }), fc.integer({ min: 0, max: 5 }));
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 200 }), fc.integer({ min: 1, max: 8 }), (entries, capacity) => {
        const heap = new MergeHeap(capacity);
        entries.forEach(([key, a, b], i) => heap.push(key, a, b, i, 1000 - i));
        expect(heap.size).toBe(entries.length);
        const expected = entries
          .map(([key, a, b], i) => ({ key, a, b, va: i, vb: 1000 - i }))
          .sort((p, q) => p.key - q.key || p.a - q.a || p.b - q.b);
        const popped: { key: number; a: number; b: number }[] = [];
        for (let e = heap.pop(); e !== null; e = heap.pop()) {
          popped.push({ key: e.key, a: e.a, b: e.b });
          // Each popped entry keeps the stamps it was pushed with.
          expect(entries[e.va]).toEqual([e.key, e.a, e.b]);
          expect(e.vb).toBe(1000 - e.va);
        }
        expect(popped).toEqual(expected.map(({ key, a, b }) => ({ key, a, b })));
        expect(heap.size).toBe(0);
      }),
      { numRuns: 200, seed: 7 },
    );
  });

  it('interleaves pushes and pops', () => {
    const heap = new MergeHeap(1);
    heap.push(3, 0, 1, 0, 0);
    heap.push(1, 2, 3, 0, 0);
    expect(heap.pop()?.key).toBe(1);
    heap.push(2, 0, 0, 0, 0);
    heap.push(2, -1, 4, 0, 0);
    expect([heap.pop()?.a, heap.pop()?.a, heap.pop()?.key, heap.pop()]).toEqual([-1, 0, 3, null]);
  });
});
