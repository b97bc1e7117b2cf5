import { describe, expect, it } from 'vitest';
import { observeReplay } from '../../engine/faults/index.js';
import type { FaultRule } from '../../engine/sim/scenario.js';
import { ON_PATH } from '../../functions/common/aws-clients.js';
import { callsOf, examplePlan, routeHealthAlarm } from './support.js';

const plan = examplePlan();

/**
 * The on-path clients make 3 attempts (functions/common/aws-clients.ts ON_PATH), so a burst of
 * 4 failing attempts outlasts the SDK's own retries and reaches the Task's Retry. The ASL
 * promises to retry AWS throttling, 5xx and timeouts (README "Every Task retries …"); each
 * service names its 5xx differently (SDK shape names), and each must be in the Retry list.
 */
const BURST = 4;

describe('Task retries cover every service the workflow calls', () => {
  it.each([
    ['rds', 'DescribeDBInstances', 'InternalFailure'],
    ['autoscaling', 'DescribeAutoScalingGroups', 'InternalFailure'],
    ['cloudwatch', 'GetMetricData', 'InternalServiceFault'],
    ['ssm', 'GetParameter', 'InternalServerError'],
    ['sns', 'Publish', 'InternalErrorException'],
  ] as const)(
    'rides out a burst of %s %s 5xx (%s) longer than the SDK retries',
    async (service, operation, errorName) => {
      const fault: FaultRule = { service, operation, from: 1, count: BURST, error: 'server' };

      const { result, calls } = await observeReplay(plan, routeHealthAlarm(), { faults: [fault] });

      const failed = callsOf(calls, operation).filter((call) => call.outcome === errorName);
      expect(failed.length, 'the burst outlasts the SDK retries').toBeGreaterThanOrEqual(ON_PATH.maxAttempts);
      expect(result.outcome, result.summary).toBe('succeeded');
    },
  );
});

describe('Promote Replica', () => {
  it('waits and tries again when RDS once refuses to promote a replica that describes as available', async () => {
    // A promotion refused with InvalidDBInstanceState while DescribeDBInstances still shows an
    // available replica is a race with a state change RDS has not published yet (a backup or
    // modification starting). The step's own comment promises to resolve raced refusals.
    const fault: FaultRule = {
      service: 'rds',
      operation: 'PromoteReadReplica',
      calls: [1],
      error: 'invalidState',
    };

    const { result, calls } = await observeReplay(plan, routeHealthAlarm(), { faults: [fault] });

    expect(callsOf(calls, 'PromoteReadReplica').map((call) => call.outcome)).toEqual([
      'InvalidDBInstanceStateFault',
      'ok',
    ]);
    expect(result.outcome, result.summary).toBe('succeeded');
  });
});
