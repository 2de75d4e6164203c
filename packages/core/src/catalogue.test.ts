import { Catalogue } from './catalogue';
import { createContainer, provide } from './container';
import { OptionError } from './errors';
import { hfExport } from './export-format';
import type { Clusterer } from './method';
import { token, TOKENS } from './tokens';

const stub: Clusterer = { name: 'stub', cluster: async () => ({ labels: new Int32Array(0), centroids: { data: new Float32Array(0), rows: 0, cols: 0 }, inertia: 0, iterations: 0 }) };

describe('Catalogue', () => {
  it('lists kinds in the order of their first registration, names in registration order', () => {
    const c = new Catalogue()
      .register({ kind: 'export', name: 'hf', description: 'stock', create: () => hfExport() })
      .register({ kind: 'clusterer', name: 'b', description: 'b', create: () => stub })
      .register({ kind: 'clusterer', name: 'a', description: 'a', create: () => stub });
    expect(c.kinds()).toEqual(['export', 'clusterer']);
    expect(c.names('clusterer')).toEqual(['b', 'a']);
    expect(c.names('policy')).toEqual([]);
  });

  it('names the option and the registered choices for an unknown name', () => {
    const c = new Catalogue().register({ kind: 'clusterer', name: 'a', description: 'a', create: () => stub });
    expect(() => c.get('clusterer', 'x', '--clusterer')).toThrow(OptionError);
    expect(() => c.get('clusterer', 'x', '--clusterer')).toThrow('option --clusterer: unknown clusterer "x"; choose one of: a');
  });

  it('clones without sharing registrations', () => {
    const c = new Catalogue().register({ kind: 'clusterer', name: 'a', description: 'a', create: () => stub });
    const copy = c.clone().register({ kind: 'clusterer', name: 'b', description: 'b', create: () => stub });
    expect([c.names('clusterer'), copy.names('clusterer')]).toEqual([['a'], ['a', 'b']]);
  });
});

describe('typed tokens', () => {
  it('are the symbols Symbol.for gives, so tsyringe registrations under either meet', () => {
    expect(token<number>('speechfold.Clusterer')).toBe(TOKENS.Clusterer);
    const c = createContainer();
    provide(c, TOKENS.Clusterer, stub);
    expect(c.resolve(TOKENS.Clusterer)).toBe(stub);
    expect(c.resolve<Clusterer>(Symbol.for('speechfold.Clusterer'))).toBe(stub);
  });
});
