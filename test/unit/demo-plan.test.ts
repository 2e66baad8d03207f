import { describe, expect, it } from 'vitest';
import { demoRunPlan, failureMessage } from '../../electron/core/demo/demo-plan.ts';

describe('the demo plan', () => {
  const plans = Array.from({ length: 12 }, (_, index) => demoRunPlan(index));
  const count = (fate: string) => plans.filter((plan) => plan.fate === fate).length;

  it('shows, in the default twelve runs, failures, stalls, cancellations and exactly one retry', () => {
    expect(count('fail')).toBeGreaterThanOrEqual(2);
    expect(count('stall')).toBeGreaterThanOrEqual(2);
    expect(count('cancel')).toBeGreaterThanOrEqual(2);
    expect(plans.filter((plan) => plan.retry)).toHaveLength(1);
  });

  it('shows a failure and a stall among the first three runs, so a new user sees both at once', () => {
    expect(plans.slice(0, 3).map((plan) => plan.fate)).toEqual(
      expect.arrayContaining(['fail', 'stall']),
    );
  });

  it('stalls only pipelines that keep the short demo threshold (train-* has 3 h)', () => {
    for (const plan of plans) {
      if (plan.fate === 'stall') expect(plan.pipeline.startsWith('train-')).toBe(false);
      if (plan.at !== null) expect(plan.at).toBeLessThan(plan.steps.length);
    }
  });

  it('says why each step it fails failed, in the words of that step', () => {
    for (const plan of plans.filter((p) => p.fate === 'fail')) {
      const step = plan.steps[plan.at ?? 0] as string;
      expect(failureMessage(step)).not.toContain('exited with status');
    }
  });
});
