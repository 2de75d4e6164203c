import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { checkpointJsonText, sortKeysDeep, writeCheckpointJson } from './checkpoint-json';

describe('checkpoint JSON', () => {
  it("sorts keys at every depth, as Python's sort_keys=True, leaving array order alone", () => {
    const sorted = sortKeysDeep({ b: 1, a: [{ z: 1, y: 2 }, 3], c: { e: null, d: 'x' } });
    expect(JSON.stringify(sorted)).toBe('{"a":[{"y":2,"z":1},3],"b":1,"c":{"d":"x","e":null}}');
  });

  it('formats with a 2-space indent and a final newline', () => {
    expect(checkpointJsonText({ b: [1], a: true })).toBe('{\n  "a": true,\n  "b": [\n    1\n  ]\n}\n');
  });

  it('writes the file in UTF-8 and returns its name', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'speechfold-ckpt-json-'));
    try {
      expect(await writeCheckpointJson(dir, 'x.json', { t: 'Ġé', a: 0.0 })).toBe('x.json');
      expect(await fs.readFile(path.join(dir, 'x.json'), 'utf8')).toBe('{\n  "a": 0,\n  "t": "Ġé"\n}\n');
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});
