/** A TensorEngine whose matmul is nn's plain-JS product: the tests need no native engine. */
import type { Matrix, MatmulOptions, TensorEngine } from '@speechfold/core';
import { jsMatmul } from '@speechfold/nn';

/** matmul in JS; `calls` counts the products that reached the engine. */
export class JsEngine implements TensorEngine {
  readonly name = 'js-test';
  calls = 0;
  async matmul(a: Matrix, b: Matrix, options: MatmulOptions = {}): Promise<Matrix> {
    this.calls++;
    return jsMatmul(a, b, options);
  }
  async nearest(): Promise<never> {
    throw new Error('not used by the runtime');
  }
  async squaredDistances(): Promise<never> {
    throw new Error('not used by the runtime');
  }
  async rowSquaredNorms(): Promise<never> {
    throw new Error('not used by the runtime');
  }
  async dispose(): Promise<void> {}
}
