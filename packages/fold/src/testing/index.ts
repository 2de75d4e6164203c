/**
 * `@speechfold/fold/testing`: helpers for tests of merges and prunes on real outputs (blocks.ts):
 * plain-JS FFN and attention forward passes, their fold groups and seeded random weights.
 */
export { ffnForward, attentionForward, linear, gelu, maxAbsDiff, maxRelDiff } from './blocks';
export { ffnGroup, headsGroup, FFN_NAMES, ATTENTION_NAMES, type FfnNames, type AttentionNames, type GroupPlacement } from './blocks';
export { randomFfnBlock, randomAttentionBlock, randomInput, randomTensor } from './blocks';
