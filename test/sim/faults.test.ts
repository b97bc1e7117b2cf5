import {
  AutoScalingServiceException,
  DescribeAutoScalingGroupsCommand,
  ScalingActivityInProgressFault,
  UpdateAutoScalingGroupCommand,
} from '@aws-sdk/client-auto-scaling';
import { DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import {
  DescribeDBInstancesCommand,
  PromoteReadReplicaCommand,
  RDSServiceException,
} from '@aws-sdk/client-rds';
import { PublishCommand } from '@aws-sdk/client-sns';
import { GetParameterCommand, PutParameterCommand } from '@aws-sdk/client-ssm';
import { afterEach, describe, expect, it } from 'vitest';
import { BEST_EFFORT, ON_PATH } from '../../functions/common/aws-clients.js';
import { autoScalingClient } from '../../functions/common/clients/autoscaling.js';
import { cloudWatchClient } from '../../functions/common/clients/cloudwatch.js';
import { rdsClient } from '../../functions/common/clients/rds.js';
import { snsClient } from '../../functions/common/clients/sns.js';
import { ssmClient } from '../../functions/common/clients/ssm.js';
import type { Scenario } from '../../engine/sim/index.js';
import {
  failure,
  GROUP,
  HEALTH_ALARM,
  PRIMARY,
  RECOVERY,
  REPLICA,
  settle,
  simulate,
  teardown,
  TOPIC,
} from './support.js';

afterEach(teardown);

const describeReplica = () =>
  rdsClient(RECOVERY).send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: REPLICA }));

describe('injected faults', () => {
  it('fails only the listed call numbers, so the retried attempt succeeds', async () => {
    const { clock, cloud } = simulate({
      faults: [{ service: 'rds', operation: 'DescribeDBInstances', calls: [1], error: 'throttling' }],
    });

    const output = await settle(clock, describeReplica());

    expect(output.$metadata.attempts).toBe(2);
    expect(cloud.calls.map((call) => [call.callNumber, call.outcome])).toEqual([
      [1, 'Throttling'],
      [2, 'ok'],
    ]);
  });

  it('retries throttling maxAttempts times, like the SDK, and then surfaces it as Throttling', async () => {
    const { clock, cloud } = simulate({
      faults: [{ service: 'rds', operation: 'DescribeDBInstances', calls: 'all', error: 'throttling' }],
    });

    const error = await failure(clock, describeReplica());

    expect(error).toBeInstanceOf(RDSServiceException);
    expect(error.name).toBe('Throttling');
    expect(error.message).toBe('Rate exceeded');
    expect(error.$metadata).toMatchObject({ httpStatusCode: 400, attempts: ON_PATH.maxAttempts });
    expect(cloud.calls).toHaveLength(ON_PATH.maxAttempts);
  });

  it.each([
    { error: 'server', name: 'InternalFailure', status: 500, attempts: 3 },
    { error: 'unavailable', name: 'ServiceUnavailable', status: 503, attempts: 3 },
    { error: 'accessDenied', name: 'AccessDenied', status: 403, attempts: 1 },
    { error: 'notFound', name: 'DBInstanceNotFoundFault', status: 404, attempts: 1 },
  ] as const)(
    'surfaces $error on DescribeDBInstances as $name after $attempts attempt(s)',
    async ({ error, name, status, attempts }) => {
      const { clock, cloud } = simulate({
        faults: [{ service: 'rds', operation: 'DescribeDBInstances', error }],
      });

      const thrown = await failure(clock, describeReplica());

      expect(thrown.name).toBe(name);
      expect(thrown.$metadata?.httpStatusCode).toBe(status);
      expect(cloud.calls).toHaveLength(attempts);
    },
  );

  it.each([
    { error: 'throttling', name: 'ThrottlingException' },
    { error: 'accessDenied', name: 'AccessDeniedException' },
    { error: 'server', name: 'InternalServerError' },
  ] as const)('uses the SSM JSON protocol name $name for $error', async ({ error, name }) => {
    const { clock } = simulate({ faults: [{ service: 'ssm', operation: 'GetParameter', error }] });

    const thrown = await failure(
      clock,
      ssmClient(RECOVERY).send(new GetParameterCommand({ Name: '/shop/db/host' })),
    );

    expect(thrown.name).toBe(name);
  });

  it('fails UpdateAutoScalingGroup with ScalingActivityInProgressFault for invalidState, without retrying', async () => {
    const { clock, cloud } = simulate({
      faults: [
        { service: 'autoscaling', operation: 'UpdateAutoScalingGroup', calls: [1], error: 'invalidState' },
      ],
    });

    const error = await failure(
      clock,
      autoScalingClient(RECOVERY).send(
        new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: GROUP, DesiredCapacity: 1 }),
      ),
    );

    expect(error).toBeInstanceOf(ScalingActivityInProgressFault);
    expect(error).toBeInstanceOf(AutoScalingServiceException);
    expect(cloud.calls).toHaveLength(1);
  });

  it('answers notFound on DescribeAutoScalingGroups by leaving the group out, as the real service does', async () => {
    const { clock } = simulate({
      faults: [{ service: 'autoscaling', operation: 'DescribeAutoScalingGroups', error: 'notFound' }],
    });

    const output = await settle(
      clock,
      autoScalingClient(RECOVERY).send(
        new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [GROUP] }),
      ),
    );

    expect(output.AutoScalingGroups).toEqual([]);
  });

  it('fails a run of calls given by from and count', async () => {
    const { clock, cloud } = simulate({
      faults: [{ service: 'ssm', operation: 'GetParameter', from: 2, count: 2, error: 'accessDenied' }],
    });
    const get = () => ssmClient(RECOVERY).send(new GetParameterCommand({ Name: '/shop/db/host' }));

    await settle(clock, get());
    await failure(clock, get());
    await failure(clock, get());
    await settle(clock, get());

    expect(cloud.calls.map((call) => call.outcome)).toEqual([
      'ok',
      'AccessDeniedException',
      'AccessDeniedException',
      'ok',
    ]);
  });

  it('times out every attempt into a down region after the client timeout, in virtual time', async () => {
    const { clock, cloud, elapsedSeconds } = simulate({ regionsDown: [PRIMARY] });

    const error = await failure(
      clock,
      cloudWatchClient(PRIMARY, BEST_EFFORT).send(new DescribeAlarmsCommand({ AlarmNames: [HEALTH_ALARM] })),
    );

    expect(error.name).toBe('TimeoutError');
    expect(elapsedSeconds()).toBe(BEST_EFFORT.requestTimeoutMs / 1000);
    expect(cloud.calls.map((call) => [call.region, call.outcome, call.durationMs])).toEqual([
      [PRIMARY, 'TimeoutError', 2_000],
    ]);
  });

  it('retries a timeout up to maxAttempts with the standard backoff before giving up', async () => {
    const { clock, cloud, elapsedSeconds } = simulate({
      faults: [{ service: 'ssm', operation: 'GetParameter', region: RECOVERY, error: 'timeout' }],
    });

    const error = await failure(
      clock,
      ssmClient(RECOVERY, ON_PATH).send(new GetParameterCommand({ Name: '/shop/db/host' })),
    );

    expect(error.name).toBe('TimeoutError');
    expect(cloud.calls).toHaveLength(3);
    // Three 10 s timeouts and the SDK's mean backoffs of 25 ms and 50 ms.
    expect(elapsedSeconds()).toBe(30.075);
    expect(error.$metadata).toEqual({ attempts: 3, totalRetryDelay: 75 });
  });

  it('loses the response of a timeoutAfterApply promotion, so the retry meets the promoted instance', async () => {
    const { clock, cloud } = simulate({
      faults: [{ service: 'rds', operation: 'PromoteReadReplica', calls: [1], error: 'timeoutAfterApply' }],
    });

    const error = await failure(
      clock,
      rdsClient(RECOVERY).send(new PromoteReadReplicaCommand({ DBInstanceIdentifier: REPLICA })),
    );

    expect(error.name).toBe('InvalidDBInstanceStateFault');
    expect(cloud.calls.map((call) => call.outcome)).toEqual(['TimeoutError', 'InvalidDBInstanceStateFault']);
    expect(cloud.snapshot().databases.find((db) => db.id === REPLICA)?.promotionStartedAt).not.toBeNull();
  });

  it('repeats seeded random faults exactly for the same seed', async () => {
    const scenario: Scenario = { random: { seed: 7, rate: 0.4, errors: ['throttling', 'server'] } };
    const outcomes = async () => {
      const { clock, cloud } = simulate(scenario);
      for (let i = 0; i < 10; i++) {
        await settle(
          clock,
          ssmClient(RECOVERY, BEST_EFFORT).send(new GetParameterCommand({ Name: '/shop/db/host' })),
        ).catch(() => undefined);
      }
      const names = cloud.calls.map((call) => call.outcome);
      teardown();
      return names;
    };

    const first = await outcomes();
    const second = await outcomes();

    expect(second).toEqual(first);
    expect(first.filter((outcome) => outcome !== 'ok').length).toBeGreaterThan(0);
    expect(first.filter((outcome) => outcome === 'ok').length).toBeGreaterThan(0);
  });
});

describe('the call log', () => {
  it('marks mutating calls and leaves reads and Publish out of mutatingCalls()', async () => {
    const { clock, cloud } = simulate();

    await settle(clock, describeReplica());
    await settle(
      clock,
      rdsClient(RECOVERY).send(new PromoteReadReplicaCommand({ DBInstanceIdentifier: REPLICA })),
    );
    await settle(
      clock,
      ssmClient(RECOVERY).send(
        new PutParameterCommand({ Name: '/shop/active-region', Value: RECOVERY, Overwrite: true }),
      ),
    );
    await settle(clock, snsClient(RECOVERY).send(new PublishCommand({ TopicArn: TOPIC, Message: 'done' })));

    expect(cloud.calls.map((call) => call.operation)).toEqual([
      'DescribeDBInstances',
      'PromoteReadReplica',
      'PutParameter',
      'Publish',
    ]);
    expect(cloud.mutatingCalls().map((call) => [call.service, call.operation, call.outcome])).toEqual([
      ['rds', 'PromoteReadReplica', 'ok'],
      ['ssm', 'PutParameter', 'ok'],
    ]);
    expect(cloud.mutatingCalls()[0]?.input).toEqual({ DBInstanceIdentifier: REPLICA });
  });

  it('gives every call the simulated latency', async () => {
    const { clock, cloud } = simulate({ latencyMs: 250 });

    await settle(clock, describeReplica());

    expect(cloud.calls[0]?.durationMs).toBe(250);
    expect(cloud.calls[0]?.time).toBe(cloud.startTime.getTime());
  });
});
