/**
 * The wav2vec2 ModelAdapter: @speechfold/adapter-common's `SpeechEncoderAdapter` for the wav2vec2
 * family (model_type 'wav2vec2'; Wav2Vec2ForCTC and Wav2Vec2Model; either layer-norm order).
 * Register it under TOKENS.ModelAdapter (or use `wav2vec2Adapter()`); the Pipeline picks the adapter
 * whose `matches` accepts the config.
 */
import { injectable } from 'tsyringe';
import { SpeechEncoderAdapter } from '@speechfold/adapter-common';
import type { Wav2Vec2Config } from './config';
import { WAV2VEC2_FAMILY } from './validate';

/** Model knowledge for wav2vec2 checkpoints, id 'wav2vec2'; groups `encoder.layers.L.ffn` and `.heads`. */
@injectable()
export class Wav2Vec2Adapter extends SpeechEncoderAdapter<Wav2Vec2Config> {
  constructor() {
    super(WAV2VEC2_FAMILY);
  }
}

/** A new Wav2Vec2Adapter, for registries that take instances. */
export function wav2vec2Adapter(): Wav2Vec2Adapter {
  return new Wav2Vec2Adapter();
}
