import { ModelError } from '@speechfold/core';
import { validateWhisperConfig } from './validate';
import { WHISPER_PRESETS, whisperPreset } from './presets';

const FILE = 'ckpt/config.json';

function expectModelError(config: unknown, field: string): void {
  let caught: unknown;
  try {
    validateWhisperConfig(config, FILE);
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(ModelError);
  const error = caught as ModelError;
  expect(error.subject.file).toBe(FILE);
  expect(error.message).toContain(FILE);
  expect(error.message).toContain(`'${field}'`);
}

describe('validateWhisperConfig', () => {
  it('accepts every preset unchanged (as written to config.json)', () => {
    for (const preset of Object.values(WHISPER_PRESETS)) {
      expect(validateWhisperConfig(JSON.parse(JSON.stringify(preset)), FILE)).toEqual(preset);
    }
  });

  it("fills HF's defaults for optional fields", () => {
    const raw: Record<string, unknown> = { ...whisperPreset('whisper-large-v3') };
    delete raw.tie_word_embeddings;
    delete raw.suppress_tokens;
    delete raw.median_filter_width;
    delete raw.num_hidden_layers;
    const c = validateWhisperConfig(raw, FILE);
    expect(c.tie_word_embeddings).toBe(true);
    expect(c.suppress_tokens).toBeNull();
    expect(c.median_filter_width).toBe(7);
    expect(c.num_hidden_layers).toBe(32);
  });

  it('names the file and the field at fault', () => {
    const good = whisperPreset('whisper-tiny');
    expectModelError({ ...good, model_type: 'hubert' }, 'model_type');
    expectModelError({ ...good, architectures: ['WhisperModel'] }, 'architectures');
    expectModelError({ ...good, d_model: 0 }, 'd_model');
    expectModelError({ ...good, encoder_attention_heads: 5 }, 'encoder_attention_heads');
    expectModelError({ ...good, decoder_attention_heads: 7 }, 'decoder_attention_heads');
    expectModelError({ ...good, num_mel_bins: 80.5 }, 'num_mel_bins');
    expectModelError({ ...good, scale_embedding: 'no' }, 'scale_embedding');
    expectModelError({ ...good, eos_token_id: 60000 }, 'eos_token_id');
    expectModelError({ ...good, suppress_tokens: [1, -2] }, 'suppress_tokens');
    expectModelError({ ...good, forced_decoder_ids: [[1]] }, 'forced_decoder_ids');
    expectModelError({ ...good, num_hidden_layers: 3 }, 'num_hidden_layers');
    const { max_target_positions: _dropped, ...noPositions } = good;
    expectModelError(noPositions, 'max_target_positions');
  });

  it('keeps forced_decoder_ids pairs, including a free (null) slot', () => {
    const c = validateWhisperConfig(
      {
        ...whisperPreset('whisper-tiny'),
        forced_decoder_ids: [
          [1, null],
          [2, 50359],
        ],
      },
      FILE
    );
    expect(c.forced_decoder_ids).toEqual([
      [1, null],
      [2, 50359],
    ]);
  });
});
