/**
 * CTranslate2's config.json for a Whisper model: the generation settings its converter copied
 * from HF's generation_config (suppress lists, language token ids, alignment heads).
 */
import { FormatError } from '@speechfold/core';
import { isObject, readJsonFile } from './json-io';

/** The fields of CTranslate2's Whisper config.json, checked. */
export interface Ct2WhisperConfig {
  /** Token ids never sampled (HF suppress_tokens). */
  suppressIds: number[];
  /** Token ids not sampled first (HF begin_suppress_tokens). */
  suppressIdsBegin: number[];
  /** Language token ids, ascending (HF lang_to_id's values). */
  langIds: number[];
  /** [decoder layer, head] pairs whose cross-attention aligns words to audio. */
  alignmentHeads: [number, number][];
}

function ids(raw: Record<string, unknown>, file: string, field: string, vocabSize: number): number[] {
  const value = raw[field] ?? [];
  if (!Array.isArray(value) || !value.every((v) => Number.isInteger(v) && v >= 0 && v < vocabSize)) {
    throw new FormatError(
      { file },
      `field '${field}': expected a list of token ids below the vocabulary size ${vocabSize}`,
    );
  }
  return value as number[];
}

/** Reads CTranslate2's config.json; ids are checked against `vocabSize`, heads against the decoder's size. */
export async function readCt2WhisperConfig(
  file: string,
  vocabSize: number,
  decoderLayers: number,
  decoderHeads: number,
): Promise<Ct2WhisperConfig> {
  const raw = await readJsonFile(file);
  if (!isObject(raw)) throw new FormatError({ file }, 'expected a JSON object');
  const heads = raw.alignment_heads ?? [];
  const okHeads =
    Array.isArray(heads) &&
    heads.every(
      (p) =>
        Array.isArray(p) &&
        p.length === 2 &&
        Number.isInteger(p[0]) &&
        Number.isInteger(p[1]) &&
        p[0] >= 0 &&
        p[0] < decoderLayers &&
        p[1] >= 0 &&
        p[1] < decoderHeads,
    );
  if (!okHeads) {
    throw new FormatError(
      { file },
      `field 'alignment_heads': expected [layer, head] pairs within ${decoderLayers} layers x ${decoderHeads} heads`,
    );
  }
  return {
    suppressIds: ids(raw, file, 'suppress_ids', vocabSize),
    suppressIdsBegin: ids(raw, file, 'suppress_ids_begin', vocabSize),
    langIds: ids(raw, file, 'lang_ids', vocabSize),
    alignmentHeads: (heads as [number, number][]).map(([l, h]) => [l, h]),
  };
}
