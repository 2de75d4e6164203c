/**
 * runAdapterTestKit: the jest checks every ModelAdapter must pass (docs/adapters.md has the list).
 * Call it at the top level of a test file; it registers one describe block.
 */
import { describe } from '@jest/globals';
import { modelChecks } from './checks-model';
import { groupChecks } from './checks-groups';
import { exportChecks } from './checks-export';
import { kitContext } from './context';
import type { AdapterTestSpec } from './spec';

/** Registers the adapter kit's describe/it blocks for `spec`. */
export function runAdapterTestKit(spec: AdapterTestSpec): void {
  const ctx = kitContext(spec);
  describe(`adapter test kit: ${spec.name ?? spec.adapter.id}`, () => {
    modelChecks(ctx);
    groupChecks(ctx);
    exportChecks(ctx);
  });
}
