import { describeModel, randomTensors, withoutTensor } from './model';

describe('test models', () => {
  const params = [
    { name: 'a.weight', shape: [3, 2] },
    { name: 'a.bias', shape: [3] },
  ];

  it('fills seeded values in [-0.05, 0.05): same seed, same values; another seed, others', () => {
    const one = randomTensors(params, 7);
    expect(randomTensors(params, 7)).toEqual(one);
    expect(randomTensors(params, 8).get('a.weight')?.data).not.toEqual(one.get('a.weight')?.data);
    const values = [...one.values()].flatMap((t) => [...t.data]);
    expect(values.every((v) => v >= -0.05 && v < 0.05)).toBe(true);
    expect(one.get('a.weight')).toMatchObject({ dtype: 'F32', shape: [3, 2] });
    expect(randomTensors(params, 7, 'BF16').get('a.bias')?.dtype).toBe('BF16');
  });

  it('describes a model as an adapter sees it, and drops a tensor without touching the original', () => {
    const model = { config: { model_type: 'toy' }, tensors: randomTensors(params, 1) };
    expect(describeModel(model)).toEqual({
      config: { model_type: 'toy' },
      tensors: [
        { name: 'a.weight', dtype: 'F32', shape: [3, 2] },
        { name: 'a.bias', dtype: 'F32', shape: [3] },
      ],
    });
    expect([...withoutTensor(model, 'a.bias').tensors.keys()]).toEqual(['a.weight']);
    expect(model.tensors.size).toBe(2);
  });
});
