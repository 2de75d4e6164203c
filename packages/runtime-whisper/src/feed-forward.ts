/** The position-wise feed-forward block every Whisper layer (encoder and decoder) ends with. */
import type { Matrix } from '@speechfold/core';
import { geluInPlace, linear } from '@speechfold/nn';
import type { FeedForwardWeights, WhisperModel } from './model';

/** fc1 -> exact GELU -> fc2 of x [T, d]: [T, d]. */
export async function feedForward(model: WhisperModel, x: Matrix, w: FeedForwardWeights): Promise<Matrix> {
  const hidden = await linear(model.engine, x, w.fc1, w.fc1Bias);
  geluInPlace(hidden.data);
  return linear(model.engine, hidden, w.fc2, w.fc2Bias);
}
