import { availableEngines } from './available-engines';
import { tfjsNodeInstalled } from './test-support.test-helper';

describe('availableEngines', () => {
  it('lists every engine fastest first, with a reason for each one that does not load', async () => {
    const engines = await availableEngines();
    expect(engines.map((e) => e.id)).toEqual(['tfjs-node', 'onnxruntime', 'tfjs-wasm']);
    expect(engines[1]).toEqual({ id: 'onnxruntime', loaded: true });
    expect(engines[2]).toEqual({ id: 'tfjs-wasm', loaded: true });
    if (tfjsNodeInstalled()) expect(engines[0]).toEqual({ id: 'tfjs-node', loaded: true });
    else expect(engines[0]).toEqual({ id: 'tfjs-node', loaded: false, reason: '@tensorflow/tfjs-node is not installed' });
  });
});
