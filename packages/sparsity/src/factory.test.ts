import { OptionError } from '@speechfold/core';
import { ExplicitPolicy } from './explicit';
import { createPolicy, isPolicyName, POLICIES } from './factory';
import { MixedPolicy } from './mixed';
import { SchedulePolicy } from './schedule';
import { UniformPolicy } from './uniform';

describe('createPolicy', () => {
  it('creates every listed policy by its name', () => {
    expect(POLICIES).toEqual(['uniform', 'explicit', 'schedule', 'mixed']);
    for (const name of POLICIES) expect(createPolicy(name).name).toBe(name);
    expect(createPolicy('uniform')).toBeInstanceOf(UniformPolicy);
    expect(createPolicy('explicit', { table: { default: 0.5 } })).toBeInstanceOf(ExplicitPolicy);
    expect(createPolicy('mixed', { alpha: 0.5 })).toBeInstanceOf(MixedPolicy);
  });

  it('passes the options on', () => {
    const schedule = createPolicy('schedule', { from: 0.1, to: 0.2, shape: 'cosine' }) as SchedulePolicy;
    expect(schedule.options).toEqual({ from: 0.1, to: 0.2, shape: 'cosine' });
    expect((createPolicy('mixed', { alpha: 2 }) as MixedPolicy).options.alpha).toBe(2);
  });

  it('refuses an unknown name naming --policy and the known ones', () => {
    expect(() => createPolicy('greedy')).toThrow(OptionError);
    expect(() => createPolicy('greedy')).toThrow(/--policy: unknown policy 'greedy'.*uniform, explicit, schedule, mixed/);
    expect(isPolicyName('mixed')).toBe(true);
    expect(isPolicyName('Mixed')).toBe(false);
  });

  it('refuses options that are not an object, or that a policy does not take', () => {
    expect(() => createPolicy('uniform', { alpha: 1 })).toThrow(/--policy-file.*'alpha'/);
    expect(() => createPolicy('schedule', [0.1, 0.2])).toThrow(OptionError);
    expect(() => createPolicy('mixed', 'fast')).toThrow(OptionError);
    expect(createPolicy('uniform', null).name).toBe('uniform');
  });
});
