/**
 * Streams the weights of a CTranslate2 Whisper model into a checkpoint sink under HF's names and
 * shapes: one variable is decoded (dequantized) at a time, split if fused, and handed to the sink,
 * which spools it to disk. Every stored weight must land somewhere: one that no HF parameter reads
 * is an error, never silently dropped.
 */
import { FormatError, type DType, type TensorSink } from '@speechfold/core';
import { whisperParameters, type WhisperConfig } from '@speechfold/adapter-whisper';
import type { Ct2Model } from './ct2-model';
import { SCALE_SUFFIX } from './format';
import { settingNames } from './whisper-settings';
import { ct2SourceOf, type Ct2Source } from './whisper-names';

/** Keeps the last decoded variable: q, k and v are read from one fused variable in a row. */
class LastVariable {
  private name = '';
  private values: Float32Array = new Float32Array(0);

  constructor(private readonly model: Ct2Model) {}

  async get(name: string): Promise<Float32Array> {
    if (name !== this.name) {
      this.values = await this.model.readFloat32(name);
      this.name = name;
    }
    return this.values;
  }
}

/** The rows of `source` that make the HF tensor of `shape`, checking the stored shape first. */
function sliceOf(
  model: Ct2Model,
  hfName: string,
  shape: number[],
  source: Ct2Source,
  values: Float32Array,
): Float32Array {
  const stored = model.info(source.variable).shape;
  const parts = source.parts ?? 1;
  const expected = [shape[0] * parts, ...shape.slice(1)];
  if (stored.join() !== expected.join()) {
    throw new FormatError(
      { file: model.fileOf(source.variable), tensor: source.variable },
      `has shape [${stored.join(', ')}]; expected [${expected.join(', ')}] for ${hfName}` +
        (parts > 1 ? ` (${parts} fused blocks)` : ''),
    );
  }
  const size = values.length / parts;
  const start = (source.part ?? 0) * size;
  return values.subarray(start, start + size);
}

/** Stored variables that no HF parameter read (settings and the scales of read weights aside). */
function unread(model: Ct2Model, read: Set<string>): string[] {
  const settings = new Set(settingNames(model));
  return model
    .list()
    .map((t) => t.name)
    .filter((name) => !read.has(name) && !settings.has(name))
    .filter((name) => !(name.endsWith(SCALE_SUFFIX) && read.has(name.slice(0, -SCALE_SUFFIX.length))));
}

/** Adds every HF parameter of `config` to `sink` as `dtype`; returns the number of values written. */
export async function writeWhisperWeights(
  model: Ct2Model,
  config: WhisperConfig,
  sink: TensorSink,
  dtype: DType,
): Promise<number> {
  const cache = new LastVariable(model);
  const read = new Set<string>();
  let parameters = 0;
  for (const { name, shape } of whisperParameters(config)) {
    const source = ct2SourceOf(name);
    if (!source)
      throw new FormatError({ file: model.path, tensor: name }, 'no CTranslate2 variable maps to this HF parameter');
    if (!model.has(source.variable)) {
      throw new FormatError({ file: model.path, tensor: source.variable }, `missing; needed for ${name}`);
    }
    const values = sliceOf(model, name, shape, source, await cache.get(source.variable));
    await sink.addFloat32(name, dtype, shape, values);
    read.add(model.resolve(source.variable));
    parameters += values.length;
  }
  // A tied projection is the embeddings: stored apart only when the converter did not alias it.
  if (config.tie_word_embeddings) read.add(model.resolve('decoder/projection/weight'));
  const left = unread(model, read);
  if (left.length > 0) {
    throw new FormatError(
      { file: model.path, tensor: left[0] },
      `is stored but no HF Whisper parameter holds it (${left.length} such: ${left
        .slice(0, 5)
        .join(', ')}); refusing to drop weights`,
    );
  }
  return parameters;
}
