/** Errors specific to running HuBERT. */
import { MethodError, ModelError } from '@speechfold/core';
import type { InputLengthProblem } from './input-length';

/** A HubertModel checkpoint (no lm_head) was asked for logits or text: it has no CTC head. */
export class MissingCtcHeadError extends ModelError {
  constructor(dir: string) {
    super({ file: dir }, "is a HubertModel checkpoint without a CTC head (lm_head): it gives hidden states, not logits or text; use a HubertForCTC checkpoint");
  }
}

/**
 * An input the model does not run: shorter than the conv stack's receptive field, or longer than the
 * length limit (see input-length.ts). `reason` is 'too-short' or 'too-long'; an evaluation skips such
 * an utterance under that reason instead of stopping.
 */
export class InputLengthError extends MethodError {
  readonly reason: InputLengthProblem['reason'];
  readonly samples: number;

  constructor(samples: number, problem: InputLengthProblem) {
    super({}, problem.message);
    this.reason = problem.reason;
    this.samples = samples;
  }
}
