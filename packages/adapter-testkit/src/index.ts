export { runAdapterTestKit } from './kit';
export type { AdapterTestSpec, MakeModelOptions } from './spec';
export { describeModel, randomTensors, withoutTensor, type TestModel, type TestTensor } from './model';
export { foldModel, roundRobinLabels, type FoldMode } from './fold-model';
export { sliceProblems } from './checks-groups';
export { thrownBy, messageOf } from './errors';
