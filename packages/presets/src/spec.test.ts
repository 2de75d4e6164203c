import { OptionError } from '@speechfold/core';
import { defaultCatalogue } from './catalogue';
import { resolveSpec, runOptionsOf } from './spec';

describe('resolveSpec', () => {
  it('fills every default: the fold recipe, uniform, ffn, auto export, seed 0', () => {
    const spec = resolveSpec({});
    expect(spec).toEqual({
      method: 'fold',
      sparsity: 0.1,
      policy: 'uniform',
      policyOptions: null,
      groups: ['ffn'],
      export: 'auto',
      seed: 0,
      nInit: 1,
      fold: { clusterer: 'capped', cap: 'auto', features: 'probe', biasCorrection: false, repair: false },
      prune: null,
    });
    expect(runOptionsOf(spec)).toEqual({ method: 'fold', sparsity: 0.1, kinds: ['ffn'], seed: 0, nInit: 1, repair: false, biasCorrection: false });
    // JSON-serialisable: a spec written to a file and read back is the same run.
    expect(resolveSpec(JSON.parse(JSON.stringify(spec)))).toEqual(spec);
  });

  it("takes a method's recipe and overrides it field by field", () => {
    expect(resolveSpec({ method: 'kmeans', biasCorrection: true }).fold).toEqual({
      clusterer: 'kmeans', cap: 'auto', features: 'weights', biasCorrection: true, repair: false,
    });
    expect(resolveSpec({ method: 'magnitude', norm: 'l1', groups: 'ffn,heads' })).toMatchObject({
      fold: null, prune: { pruner: 'remove', scorer: 'magnitude', norm: 'l1' }, groups: ['ffn', 'heads'],
    });
    expect(resolveSpec({ method: 'magnitude-unstructured' }).prune).toEqual({ pruner: 'unstructured', scorer: null, norm: 'l2' });
  });

  it.each([
    [{ method: 'svd' }, '--method', /unknown method "svd"; choose one of: fold, kmeans, magnitude, magnitude-unstructured/],
    [{ sparsity: 1 }, '--sparsity', /a number in \[0, 1\)/],
    [{ clusterer: 'dbscan' }, '--clusterer', /choose one of: capped, kmeans/],
    [{ cap: 1 }, '--cap', /'auto' or an integer >= 2/],
    [{ export: 'onnx' }, '--export', /choose one of: auto, hf, extended, dense/],
    [{ policy: 'random' }, '--policy', /choose one of: uniform, explicit, schedule, mixed/],
    [{ seed: -1 }, '--seed', /an integer >= 0/],
    [{ groups: [] }, '--groups', /non-empty list/],
    [{ method: 'magnitude', features: 'probe' }, '--features', /is a folding setting; method 'magnitude' prunes/],
    [{ sparsityy: 0.2 }, '--spec', /unknown field\(s\) 'sparsityy'/],
  ])('refuses %j naming %s', (input, option, message) => {
    let error: unknown;
    try {
      resolveSpec(input);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(OptionError);
    expect((error as OptionError).subject.option).toBe(option);
    expect((error as OptionError).message).toMatch(message);
  });

  it('knows a choice registered in a cloned catalogue, and only there', () => {
    const catalogue = defaultCatalogue().clone();
    catalogue.register({ kind: 'export', name: 'mine', description: 'test', create: () => { throw new Error('unused'); } });
    expect(resolveSpec({ export: 'mine' }, catalogue).export).toBe('mine');
    expect(() => resolveSpec({ export: 'mine' })).toThrow(OptionError);
  });
});
