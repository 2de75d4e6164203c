import { EngineError } from '@speechfold/core';
import { requireEnginePackage } from './candidates';

/** The error Node's require throws for a package that is not installed. */
function moduleNotFound(name: string): Error {
  return Object.assign(new Error(`Cannot find module '${name}'\nRequire stack:\n- /app/index.js`), { code: 'MODULE_NOT_FOUND' });
}

describe('requireEnginePackage', () => {
  it('returns what the require returns', () => {
    expect(requireEnginePackage('x', 'onnxruntime', () => 42)).toBe(42);
  });

  it("reports a package that cannot be found as 'not installed', keeping the cause", () => {
    const cause = moduleNotFound('@speechfold/engine-onnxruntime');
    let thrown: unknown;
    try {
      requireEnginePackage('@speechfold/engine-onnxruntime', 'onnxruntime', () => {
        throw cause;
      });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(EngineError);
    expect((thrown as Error).message).toBe("engine 'onnxruntime': @speechfold/engine-onnxruntime is not installed");
    expect((thrown as Error).cause).toBe(cause);
  });

  it('reports a real require of a missing package as not installed', () => {
    const name = 'speechfold-engine-that-is-not-installed';
    expect(() => requireEnginePackage(name, 'tfjs-wasm', () => require(name))).toThrow(`engine 'tfjs-wasm': ${name} is not installed`);
  });

  it('reports a missing dependency of an installed package as a failed load, not as not installed', () => {
    const load = () => {
      throw moduleNotFound('@tensorflow/tfjs-core');
    };
    expect(() => requireEnginePackage('@speechfold/engine-tfjs', 'tfjs-wasm', load)).toThrow(
      "engine 'tfjs-wasm': @speechfold/engine-tfjs failed to load: Cannot find module '@tensorflow/tfjs-core'",
    );
  });
});

describe('engine packages are optional peers', () => {
  afterEach(() => {
    jest.resetModules();
    jest.dontMock('@speechfold/engine-tfjs');
    jest.dontMock('@speechfold/engine-onnxruntime');
  });

  it('without @speechfold/engine-tfjs, the tfjs engines are skipped as not installed and onnxruntime loads', async () => {
    jest.resetModules();
    jest.doMock('@speechfold/engine-tfjs', () => {
      throw moduleNotFound('@speechfold/engine-tfjs');
    });
    const { availableEngines } = require('./available-engines') as typeof import('./available-engines');
    expect(await availableEngines()).toEqual([
      { id: 'tfjs-node', loaded: false, reason: '@speechfold/engine-tfjs is not installed' },
      { id: 'onnxruntime', loaded: true },
      { id: 'tfjs-wasm', loaded: false, reason: '@speechfold/engine-tfjs is not installed' },
    ]);
  });

  it('without @speechfold/engine-onnxruntime, auto says so and takes the next engine', async () => {
    jest.resetModules();
    jest.doMock('@speechfold/engine-onnxruntime', () => {
      throw moduleNotFound('@speechfold/engine-onnxruntime');
    });
    const { loadEngine } = require('./load-engine') as typeof import('./load-engine');
    const messages: string[] = [];
    const engine = await loadEngine('auto', (event) => {
      if (event.type === 'info') messages.push(event.message);
    });
    try {
      expect(engine.name).not.toBe('onnxruntime');
      expect(messages[0]).toContain('onnxruntime skipped: @speechfold/engine-onnxruntime is not installed');
    } finally {
      await engine.dispose();
    }
    await expect(loadEngine('onnxruntime')).rejects.toThrow("engine 'onnxruntime': @speechfold/engine-onnxruntime is not installed");
  });
});
