// export-key.ts, export-config.ts and tensor-check.ts are copies of adapter-hubert's until core gives
// them a home (docs/adapters.md); this keeps the copies from drifting apart.
import fs from 'node:fs';
import path from 'node:path';

const SHARED = ['export-key.ts', 'export-config.ts', 'tensor-check.ts'];

describe('files shared with adapter-hubert', () => {
  it.each(SHARED)('%s is identical to the adapter-hubert copy', (file) => {
    const here = fs.readFileSync(path.join(__dirname, file), 'utf8');
    const there = fs.readFileSync(path.join(__dirname, '../../adapter-hubert/src', file), 'utf8');
    expect(here).toBe(there);
  });
});
