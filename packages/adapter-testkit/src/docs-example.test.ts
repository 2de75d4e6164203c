// Runs docs/adapters.md's complete adapter as written there: its two marked ts blocks (the adapter
// module and its jest test) are extracted to a temp dir and required, so the page cannot drift from
// what passes the kit. Then the kit's runner-free entry points are checked on the same adapter.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ModelAdapter } from '@speechfold/core';
import { adapterChecks, checkAdapter, runAdapterTestKit, type AdapterTestSpec, type TestRunner } from './index';

function docBlock(marker: string): string {
  const text = fs.readFileSync(path.resolve(__dirname, '../../../docs/adapters.md'), 'utf8');
  const block = new RegExp(`<!-- docs-example: ${marker.replace('.', '\\.')} -->\\n\`\`\`ts\\n([\\s\\S]*?)\`\`\``).exec(text);
  if (!block) throw new Error(`docs/adapters.md has no ts block marked ${marker}`);
  return block[1];
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'speechfold-adapters-doc-'));
fs.writeFileSync(path.join(dir, 'toy-adapter.ts'), docBlock('toy-adapter.ts'));
fs.writeFileSync(path.join(dir, 'toy-adapter.test.ts'), docBlock('toy-adapter.test.ts'));
// Registers the kit's describe/it blocks, as the page's test file does under jest.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { spec } = require(path.join(dir, 'toy-adapter.test.ts')) as { spec: AdapterTestSpec };
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('the test kit without jest', () => {
  it('checkAdapter resolves to no problems for the adapter of docs/adapters.md', async () => {
    expect(await checkAdapter(spec)).toEqual([]);
  });

  it('checkAdapter names every check a faulty adapter fails, with what it did wrong', async () => {
    // An adapter that accepts any tensors and whose 'hf' config forgets the new FFN width.
    const base = spec.adapter;
    const faulty: ModelAdapter = {
      id: base.id,
      matches: (c) => base.matches(c),
      validate: () => undefined,
      groups: (m, k) => base.groups(m, k),
      rewriteConfig: (m, kept, mode) => (mode === 'hf' ? { ...m.config } : base.rewriteConfig(m, kept, mode)),
    };
    const problems = await checkAdapter({ ...spec, adapter: faulty });
    expect(problems.map((p) => p.check)).toEqual([
      'detection and validation: refuses a model missing any tensor with a ModelError naming it',
      'detection and validation: refuses a config dimension that disagrees with the tensors, naming the field or tensor',
      "config rewrite: 'hf' refuses fewer heads with a ModelError (option --export) pointing to 'extended'",
      "config rewrite: 'hf' refuses FFN widths that differ within a stack",
    ]);
    expect(problems[0].message).toContain('layers.0.attn.q.weight: accepted without it');
    expect(problems[1].message).toBe("'hidden_size' doubled: expected a ModelError, nothing was thrown");
  });

  it("registers one test per check with any runner's describe/it, skipping the checks of kinds the spec lacks", () => {
    const titles: string[] = [];
    const runner: TestRunner = {
      describe: (name, body) => {
        titles.push(`describe ${name}`);
        body();
      },
      it: Object.assign((name: string) => titles.push(`it ${name}`), { skip: (name: string) => titles.push(`skip ${name}`) }),
    };
    const ffnOnly = { ...spec, kinds: ['ffn'] };
    runAdapterTestKit(ffnOnly, runner);
    expect(titles[0]).toBe('describe adapter test kit: toy-encoder');
    expect(titles.filter((t) => t.startsWith('it ')).length + titles.filter((t) => t.startsWith('skip ')).length).toBe(adapterChecks(ffnOnly).length);
    expect(titles.filter((t) => t.startsWith('skip '))).toEqual([
      "skip 'hf' refuses fewer heads with a ModelError (option --export) pointing to 'extended' (the adapter offers no 'heads' groups)",
    ]);
    const g = globalThis as { describe?: unknown };
    const saved = g.describe;
    g.describe = undefined;
    try {
      expect(() => runAdapterTestKit(spec)).toThrow(/no global describe\/it .*checkAdapter\(spec\)/);
    } finally {
      g.describe = saved;
    }
  });
});
