/** Errors specific to running HuBERT. */
import { ModelError } from '@speechfold/core';

/** A HubertModel checkpoint (no lm_head) was asked for logits or text: it has no CTC head. */
export class MissingCtcHeadError extends ModelError {
  constructor(dir: string) {
    super({ file: dir }, "is a HubertModel checkpoint without a CTC head (lm_head): it gives hidden states, not logits or text; use a HubertForCTC checkpoint");
  }
}
