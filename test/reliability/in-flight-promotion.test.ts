import { describe, expect, it } from 'vitest';
import { invariantViolations, observeReplay } from '../../engine/faults/index.js';
import type { Scenario } from '../../engine/sim/index.js';
import { callsOf, examplePlan, routeHealthAlarm } from './support.js';

const plan = examplePlan();

/**
 * When one branch of "Recover" fails, Step Functions fails the Parallel at once and
 * the Catch runs Notify Failed; a Lambda invocation of the other branch that is already running
 * is not stopped (Step Functions cannot kill it) and still makes its calls. Here the scale
 * branch is denied while Promote Replica's DescribeDBInstances is being retried by the SDK
 * after one throttle (the second RDS describe of the run: the first is the RPO gate's).
 */
const scenario: Scenario = {
  faults: [
    // Call 1 is the groups' preflight at the Gate; from call 2 on, Scale's describe in Recover is denied.
    {
      service: 'autoscaling',
      operation: 'DescribeAutoScalingGroups',
      calls: [2, 3, 4],
      error: 'accessDenied',
    },
    { service: 'rds', operation: 'DescribeDBInstances', calls: [2], error: 'throttling' },
  ],
};

describe('a failure in one branch of Recover', () => {
  it('does not let a promotion still in flight land after the failure notification went out', async () => {
    const observed = await observeReplay(plan, routeHealthAlarm(), scenario);
    const { result, calls } = observed;

    const lastPublish = callsOf(calls, 'Publish').at(-1)!;
    const acceptedPromotions = callsOf(calls, 'PromoteReadReplica').filter((call) => call.outcome === 'ok');
    // The premise: the throttled describe was Promote Replica's, and RDS did accept a promotion.
    expect(callsOf(calls, 'DescribeDBInstances')[1]?.outcome).toBe('Throttling');
    expect(acceptedPromotions).toHaveLength(1);
    expect(result.outcome).toBe('failed');
    expect(result.cloud.notifications.at(-1)?.subject).toBe('Failover FAILED: shop-prod at Recover');
    expect(acceptedPromotions.filter((call) => call.time > lastPublish.time)).toEqual([]);
    expect(invariantViolations(plan, observed)).toEqual([]);
  });
});
