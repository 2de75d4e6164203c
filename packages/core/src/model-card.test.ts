import { exportLoaders, renderModelCard, type ModelCardFacts } from './model-card';
import type { CompressionResult } from './pipeline';

function result(format: CompressionResult['exportFormat'], warnings: string[] = []): CompressionResult {
  return {
    adapter: 'whisper',
    groups: [
      { name: 'encoder.layers.0.ffn', kind: 'ffn', stack: 'encoder', layer: 0, n: 1536, k: 1382, inertia: 1, seconds: 0.1 },
      { name: 'encoder.layers.0.heads', kind: 'heads', stack: 'encoder', layer: 0, n: 6, k: 5, inertia: 1, seconds: 0.1 },
    ],
    allocations: [],
    parameters: { before: 37760640, after: 36813232, targetedBefore: 9449472, targetedAfter: 8502064 },
    sparsity: { targeted: 0.1003, overall: 0.0251 },
    kept: new Map(),
    shapesKept: false,
    config: null,
    exportMode: format?.name ?? null,
    exportFormat: format,
    warnings,
  };
}

const HF = { name: 'hf', description: 'stock config fields', stockLoadable: true, keepsShapes: false };
const EXTENDED = { name: 'extended', description: "per-layer widths under config.json's speechfold key", stockLoadable: false, keepsShapes: false };
const DENSE = { name: 'dense', description: 'original shapes', stockLoadable: true, keepsShapes: true };

function facts(over: Partial<ModelCardFacts> = {}): ModelCardFacts {
  return {
    input: 'models/whisper-tiny',
    output: 'out/whisper-tiny-fold-10',
    config: { model_type: 'whisper', architectures: ['WhisperForConditionalGeneration'] },
    result: result(HF),
    run: { method: 'fold', sparsity: 0.1, kinds: ['ffn'], seed: 0 },
    spec: { method: 'fold', sparsity: 0.1, policy: 'uniform', groups: ['ffn'], export: 'auto', seed: 0 },
    versions: { speechfold: '1.2.3', node: 'v20.19.0' },
    sourceReadme: null,
    synthetic: false,
    ...over,
  };
}

describe('renderModelCard', () => {
  it('names the source, the method, the full spec, the counts, the export, its loaders and the versions', () => {
    const card = renderModelCard(facts());
    expect(card.startsWith('# whisper-tiny-fold-10\n')).toBe(true);
    expect(card).toContain('A compressed copy of `models/whisper-tiny` (model_type `whisper`, `WhisperForConditionalGeneration`)');
    expect(card).toContain('speechfold (speechfold 1.2.3, node v20.19.0)');
    expect(card).toContain('method `fold`, policy `uniform`');
    expect(card).toContain('```json\n' + JSON.stringify(facts().spec, null, 2) + '\n```');
    expect(card).toContain('npx speechfold compress models/whisper-tiny --out out/whisper-tiny-fold-10 --spec spec.json');
    expect(card).toContain('| parameters | 37,760,640 | 36,813,232 |');
    expect(card).toContain('| targeted parameters (ffn) | 9,449,472 | 8,502,064 |');
    expect(card).toContain('Sparsity: 10.00% requested, 10.03% of the targeted parameters removed, 2.51% of the whole model.');
    expect(card).toContain('- ffn: 1 group, 1536 -> 1382 units');
    expect(card).toContain('| encoder.layers.0.heads | 6 | 5 |');
    expect(card).toContain('Export format: `hf` (stock config fields). Loads in stock transformers `from_pretrained`');
    expect(card).toContain(
      '```python\nfrom transformers import AutoProcessor, WhisperForConditionalGeneration\n\n' +
        'model = WhisperForConditionalGeneration.from_pretrained("out/whisper-tiny-fold-10")\n' +
        'processor = AutoProcessor.from_pretrained("out/whisper-tiny-fold-10")\n```',
    );
    expect(card).toContain('npx speechfold eval out/whisper-tiny-fold-10 --data LibriSpeech/test-clean');
    expect(card).not.toMatch(/Synthetic|README\.source|## Warnings/);
    // The same facts give the same card (no dates).
    expect(renderModelCard(facts())).toBe(card);
  });

  it('for an extended export: speechfold runtimes only, no python snippet, and the way to a stock-loadable one', () => {
    const card = renderModelCard(facts({ result: result(EXTENDED, ["--export auto wrote the 'extended' export"]) }));
    expect(card).toContain("Loads in speechfold's runtimes only");
    expect(card).toContain('--export dense');
    expect(card).not.toContain('```python');
    expect(card).toContain("## Warnings\n\n- --export auto wrote the 'extended' export\n");
    expect(card).toContain('npx speechfold inspect out/whisper-tiny-fold-10');
  });

  it('says where the source README went, that synthetic weights are random, and the run options without a spec', () => {
    const card = renderModelCard(facts({ sourceReadme: 'README.source.md', synthetic: true, spec: null, output: 'my out' }));
    expect(card).toContain("The source model's own README.md is kept unchanged as [`README.source.md`](README.source.md)");
    expect(card).toContain('**Synthetic weights.**');
    expect(card).toContain('The pipeline options (no run spec was registered)');
    expect(card).toContain('"kinds": [\n    "ffn"\n  ]');
    expect(card).toContain("npx speechfold inspect 'my out'");
  });
});

describe('exportLoaders', () => {
  it('tells hf, dense and extended apart by what the format says of itself', () => {
    expect(exportLoaders(HF)).toMatch(/^stock transformers `from_pretrained` .* and speechfold's runtimes\.$/);
    expect(exportLoaders(DENSE)).toMatch(/^any loader of the source architecture: .* It saves no bytes\.$/);
    expect(exportLoaders(EXTENDED)).toMatch(/^speechfold's runtimes only .*--export dense/);
    expect(exportLoaders(null)).toMatch(/no export format/);
  });
});
