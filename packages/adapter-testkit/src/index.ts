export { adapterChecks, checkAdapter, KIT_CHECKS, runAdapterTestKit, type AdapterCheck, type Problem, type TestRunner } from './kit';
export type { KitCheck, KitContext } from './context';
export type { AdapterTestSpec, MakeModelOptions } from './spec';
export { describeModel, randomTensors, withoutTensor, type TestModel, type TestTensor } from './model';
export { foldModel, roundRobinLabels, type FoldMode } from './fold-model';
export { sliceProblems } from './checks-groups';
export { thrownBy, messageOf } from './errors';
export { KitFailure } from './assertions';
