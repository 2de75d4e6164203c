/**
 * The dimensions of a CTranslate2 Whisper model, read from its variables' shapes and settings:
 * everything HF's config.json needs to describe the same network.
 */
import { FormatError } from '@speechfold/core';
import type { Ct2Model } from './ct2-model';

/** Spec name and revision this importer maps (CTranslate2 3.x and 4.x write revision 3). */
export const WHISPER_SPEC = 'WhisperSpec';
export const WHISPER_SPEC_REVISION = 3;

/** Sizes of a Whisper model as stored in model.bin. */
export interface Ct2WhisperDims {
  dModel: number;
  numMelBins: number;
  encoderLayers: number;
  decoderLayers: number;
  encoderHeads: number;
  decoderHeads: number;
  encoderFfnDim: number;
  decoderFfnDim: number;
  vocabSize: number;
  maxSourcePositions: number;
  maxTargetPositions: number;
  /** The output projection shares the token embeddings (an alias, or equal values). */
  tiedProjection: boolean;
}

function shapeOf(model: Ct2Model, name: string): number[] {
  if (!model.has(name))
    throw new FormatError({ file: model.path, tensor: name }, 'missing; a CTranslate2 Whisper model stores it');
  return model.info(name).shape;
}

function expectShape(
  model: Ct2Model,
  name: string,
  rank: number,
  test: (s: number[]) => boolean,
  what: string,
): number[] {
  const shape = shapeOf(model, name);
  if (shape.length !== rank || !test(shape)) {
    throw new FormatError(
      { file: model.fileOf(name), tensor: name },
      `has shape [${shape.join(', ')}]; expected ${what}`,
    );
  }
  return shape;
}

/** Number of `<stack>/layer_N/` blocks; they must be numbered 0..N-1. */
function layerCount(model: Ct2Model, stack: 'encoder' | 'decoder'): number {
  const pattern = new RegExp(`^${stack}/layer_(\\d+)/`);
  const indices = new Set<number>();
  for (const name of [...model.list().map((t) => t.name), ...Object.keys(model.aliases())]) {
    const m = pattern.exec(name);
    if (m) indices.add(Number(m[1]));
  }
  for (let i = 0; i < indices.size; i++) {
    if (!indices.has(i))
      throw new FormatError(
        { file: model.path },
        `${stack} layers are not numbered 0..${indices.size - 1}: layer_${i} is missing`,
      );
  }
  if (indices.size === 0)
    throw new FormatError({ file: model.path }, `no ${stack}/layer_0/ variables; expected a Whisper model`);
  return indices.size;
}

/** The FFN width of every layer of a stack, which HF's config can only hold as one number. */
function ffnDim(model: Ct2Model, stack: 'encoder' | 'decoder', layers: number, d: number): number {
  let width = 0;
  for (let l = 0; l < layers; l++) {
    const name = `${stack}/layer_${l}/ffn/linear_0/weight`;
    const [rows] = expectShape(model, name, 2, (s) => s[1] === d, `[ffn, ${d}]`);
    if (l > 0 && rows !== width) {
      throw new FormatError(
        { file: model.fileOf(name), tensor: name },
        `is ${rows} wide but layer_0 is ${width}; HF's config holds one ${stack}_ffn_dim`,
      );
    }
    width = rows;
  }
  return width;
}

async function heads(model: Ct2Model, name: string, d: number): Promise<number> {
  const h = await model.readSetting(name);
  if (!(h >= 1 && d % h === 0))
    throw new FormatError({ file: model.fileOf(name), tensor: name }, `is ${h}; expected a divisor of d_model ${d}`);
  return h;
}

/** Whether decoder/projection/weight is decoder/embeddings/weight (alias, or the same values). */
async function projectionIsTied(model: Ct2Model): Promise<boolean> {
  const projection = 'decoder/projection/weight';
  const embeddings = 'decoder/embeddings/weight';
  expectShape(
    model,
    projection,
    2,
    (s) => s.join() === shapeOf(model, embeddings).join(),
    'the shape of the embeddings',
  );
  if (model.resolve(projection) === model.resolve(embeddings)) return true;
  const [a, b] = [await model.readFloat32(projection), await model.readFloat32(embeddings)];
  return a.every((v, i) => Object.is(v, b[i]));
}

/** Reads the dims of a CTranslate2 WhisperSpec model; FormatError naming the variable on any mismatch. */
export async function readWhisperDims(model: Ct2Model): Promise<Ct2WhisperDims> {
  if (model.spec !== WHISPER_SPEC || model.revision !== WHISPER_SPEC_REVISION) {
    throw new FormatError(
      { file: model.files[0] },
      `holds a ${model.spec} (revision ${model.revision}); expected a ${WHISPER_SPEC} of revision ${WHISPER_SPEC_REVISION}`,
    );
  }
  const [d, numMelBins] = expectShape(model, 'encoder/conv1/weight', 3, (s) => s[2] === 3, '[d_model, mel bins, 3]');
  expectShape(model, 'encoder/conv2/weight', 3, (s) => s[0] === d && s[1] === d && s[2] === 3, `[${d}, ${d}, 3]`);
  const [vocabSize] = expectShape(model, 'decoder/embeddings/weight', 2, (s) => s[1] === d, `[vocab, ${d}]`);
  const positions = (name: string): number => expectShape(model, name, 2, (s) => s[1] === d, `[positions, ${d}]`)[0];
  const encoderLayers = layerCount(model, 'encoder');
  const decoderLayers = layerCount(model, 'decoder');
  return {
    dModel: d,
    numMelBins,
    encoderLayers,
    decoderLayers,
    encoderHeads: await heads(model, 'encoder/num_heads', d),
    decoderHeads: await heads(model, 'decoder/num_heads', d),
    encoderFfnDim: ffnDim(model, 'encoder', encoderLayers, d),
    decoderFfnDim: ffnDim(model, 'decoder', decoderLayers, d),
    vocabSize,
    maxSourcePositions: positions('encoder/position_encodings/encodings'),
    maxTargetPositions: positions('decoder/position_encodings/encodings'),
    tiedProjection: await projectionIsTied(model),
  };
}
