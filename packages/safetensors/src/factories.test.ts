import * as path from 'node:path';
import { TOKENS, createContainer, type TensorSinkFactory, type TensorSourceFactory } from '@speechfold/core';
import { makeTempDir, removeDir } from './files.test-helper';
import { SafetensorsSinkFactory, SafetensorsSourceFactory } from './index';

describe('injectable factories', () => {
  it('resolve through the core tokens and round-trip a checkpoint', async () => {
    const c = createContainer();
    c.register(TOKENS.TensorSourceFactory, { useClass: SafetensorsSourceFactory });
    c.register(TOKENS.TensorSinkFactory, { useClass: SafetensorsSinkFactory });
    const sinks = c.resolve<TensorSinkFactory>(TOKENS.TensorSinkFactory);
    const sources = c.resolve<TensorSourceFactory>(TOKENS.TensorSourceFactory);
    expect(sinks).toBeInstanceOf(SafetensorsSinkFactory);
    const dir = await makeTempDir();
    try {
      const sink = await sinks.create(dir, { metadata: { format: 'pt' } });
      await sink.addFloat32('w', 'BF16', [2], new Float32Array([1, -2]));
      await sink.commit();
      const src = await sources.open(dir);
      expect(src.path).toBe(path.join(dir, 'model.safetensors'));
      expect(Array.from(await src.readFloat32('w'))).toEqual([1, -2]);
      expect(src.metadata()).toEqual({ format: 'pt' });
      await src.close();
    } finally {
      await removeDir(dir);
    }
  });
});
