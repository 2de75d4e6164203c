/**
 * The one-value settings a CTranslate2 WhisperSpec stores beside its weights (num_heads,
 * activation, pre_norm...). The ones that change what the model computes must match what Hugging
 * Face's Whisper computes; settings this importer does not know must be 0 (off), since CTranslate2
 * adds new features as flags that default to off.
 */
import { FormatError } from '@speechfold/core';
import type { Ct2Model } from './ct2-model';
import { SCALE_SUFFIX } from './format';

/** CTranslate2's Activation enum value for exact (erf) GELU, which HF's 'gelu' is. */
const GELU = 3;

/** Settings with the value HF Whisper needs; `null`: any value (used only by CTranslate2's runtime). */
const KNOWN: Readonly<Record<string, number | null>> = {
  'decoder/activation': GELU,
  'decoder/pre_norm': 1,
  'decoder/scale_embeddings': 0,
  'decoder/alibi': 0,
  'decoder/start_from_zero_embedding': 0,
  'decoder/num_heads': null,
  'encoder/num_heads': null,
  'decoder/alignment_heads': null,
  'decoder/alignment_layer': null,
  'decoder/alibi_use_positive_positions': null,
  'decoder/scale_alibi': null,
};

/** Names of the stored one-value settings (rank 0, not a quantization scale). */
export function settingNames(model: Ct2Model): string[] {
  return model
    .list()
    .filter((t) => t.shape.length === 0 && !t.name.endsWith(SCALE_SUFFIX))
    .map((t) => t.name);
}

/** Checks every setting against what HF's WhisperForConditionalGeneration computes. */
export async function checkWhisperSettings(model: Ct2Model): Promise<void> {
  for (const name of settingNames(model)) {
    const value = await model.readSetting(name);
    const expected = name in KNOWN ? KNOWN[name] : 0;
    if (expected !== null && value !== expected) {
      const why = name in KNOWN ? 'HF Whisper computes' : 'an unknown setting is only safe when off';
      throw new FormatError(
        { file: model.fileOf(name), tensor: name },
        `is ${value}; expected ${expected} (${why}), so this model cannot be expressed as HF Whisper`,
      );
    }
  }
  for (const name of ['encoder/num_heads', 'decoder/num_heads', 'decoder/activation']) {
    if (!model.has(name))
      throw new FormatError({ file: model.path, tensor: name }, 'missing; a CTranslate2 WhisperSpec stores it');
  }
}
