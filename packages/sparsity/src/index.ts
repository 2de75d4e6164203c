// tsyringe needs the Reflect metadata polyfill before any decorated class is defined.
import 'reflect-metadata';

export {
  budgetTolerance,
  checkFeasible,
  checkSparsity,
  feasibleRange,
  fitKeep,
  groupLimits,
  resolveBounds,
  summarizeAllocation,
  targetedParameters,
  type BudgetSummary,
  type GroupLimit,
} from './budget';
export { UniformPolicy } from './uniform';
export { DEFAULT_KEY, EXPLICIT_OPTIONS, ExplicitPolicy, type ExplicitOptions } from './explicit';
export { SCHEDULE_OPTIONS, SchedulePolicy, type ScheduleOptions, type ScheduleShape } from './schedule';
export { MIXED_OPTIONS, MixedPolicy, type MixedOptions } from './mixed';
export { POLICIES, createPolicy, isPolicyName, type PolicyName } from './factory';
