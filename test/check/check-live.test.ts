import { DescribeAutoScalingGroupsCommand } from '@aws-sdk/client-auto-scaling';
import { DescribeAlarmsCommand, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { DBInstanceNotFoundFault, DescribeDBInstancesCommand } from '@aws-sdk/client-rds';
import {
  DescribeStateMachineCommand,
  ListStateMachinesCommand,
  StateMachineDoesNotExist,
} from '@aws-sdk/client-sfn';
import { GetTopicAttributesCommand, NotFoundException } from '@aws-sdk/client-sns';
import { GetParametersCommand } from '@aws-sdk/client-ssm';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  describeDBInstancesOutput,
  describeGroupsOutput,
  replicaInstance,
  scalingGroup,
} from '../fixtures/aws-fixtures.js';
import { EXAMPLE_PLAN_FILE } from '../fixtures/plans.js';
import { recordingEnvironment, runCli } from '../gameday/support/cli.js';
import {
  alarm,
  autoScaling,
  cloudWatch,
  healthyAccount,
  rds,
  sfn,
  sns,
  ssm,
  STATE_MACHINE_ARN,
  TOPIC,
} from './support/ready-account.js';

const check = (...extra: string[]) =>
  runCli(['check', '--plan', EXAMPLE_PLAN_FILE, ...extra], recordingEnvironment());
const failures = (lines: readonly string[]) => lines.filter((line) => line.startsWith('✗ '));

beforeEach(() => healthyAccount());

describe('failover check (live account)', () => {
  it('passes every check when the account is ready, reading each service where the plan says', async () => {
    const { code, outLines, err } = await check();

    expect(code).toBe(0);
    expect(failures(outLines)).toEqual([]);
    expect(outLines).toContain('✓ replica shop-db-replica lag 4s is within maxLagSeconds 30s');
    expect(outLines).toContain(`✓ state machine ${STATE_MACHINE_ARN} is deployed (ACTIVE)`);
    expect(outLines).toContain('✓ composite alarm shop-primary-composite exists in us-east-1');
    expect(err).toBe('ready: 16 of 16 checks passed');
    expect(await rds.call(0).thisValue.config.region()).toBe('us-west-2');
    expect(rds.commandCalls(DescribeDBInstancesCommand)[0]?.args[0].input).toEqual({
      DBInstanceIdentifier: 'shop-db-replica',
    });
    const metric =
      cloudWatch.commandCalls(GetMetricDataCommand)[0]?.args[0].input.MetricDataQueries?.[0]?.MetricStat
        ?.Metric;
    expect(metric).toEqual({
      Namespace: 'AWS/RDS',
      MetricName: 'ReplicaLag',
      Dimensions: [{ Name: 'DBInstanceIdentifier', Value: 'shop-db-replica' }],
    });
    expect(ssm.commandCalls(GetParametersCommand)[0]?.args[0].input.Names).toEqual([
      '/shop/db/host',
      '/shop/db/port',
      '/shop/active-region',
    ]);
    expect(sns.commandCalls(GetTopicAttributesCommand)[0]?.args[0].input).toEqual({ TopicArn: TOPIC });
    expect(sfn.commandCalls(DescribeStateMachineCommand)[0]?.args[0].input).toEqual({
      stateMachineArn: STATE_MACHINE_ARN,
    });
  });

  it.each([
    [
      'a replica not found',
      () =>
        rds
          .on(DescribeDBInstancesCommand)
          .rejects(new DBInstanceNotFoundFault({ message: 'not found', $metadata: {} })),
      ['✗ replica shop-db-replica not found in us-west-2'],
    ],
    [
      'a replica backing up with no backups kept',
      () =>
        rds.on(DescribeDBInstancesCommand).resolves(
          describeDBInstancesOutput(
            replicaInstance('shop-db-replica', {
              DBInstanceStatus: 'backing-up',
              BackupRetentionPeriod: 0,
            }),
          ),
        ),
      [
        '✗ replica shop-db-replica is backing-up: RDS refuses PromoteReadReplica until the backup ends',
        '✗ replica shop-db-replica has BackupRetentionPeriod 0: once promoted it would have no automated backups',
      ],
    ],
    [
      'replication in error',
      () =>
        rds.on(DescribeDBInstancesCommand).resolves(
          describeDBInstancesOutput(
            replicaInstance('shop-db-replica', {
              StatusInfos: [
                {
                  StatusType: 'read replication',
                  Normal: false,
                  Status: 'error',
                  Message: 'replication stopped',
                },
              ],
            }),
          ),
        ),
      [
        /^✗ replica shop-db-replica is a read replica of .+, but replication is error \(replication stopped\)$/,
      ],
    ],
    [
      'lag over the threshold',
      () =>
        cloudWatch
          .on(GetMetricDataCommand)
          .resolves({ MetricDataResults: [{ Id: 'lag', Values: [95], Timestamps: [new Date()] }] }),
      ['✗ replica shop-db-replica lag 95s is over maxLagSeconds 30s'],
    ],
    [
      'a group missing',
      () => autoScaling.on(DescribeAutoScalingGroupsCommand).resolves(describeGroupsOutput()),
      ['✗ group shop-app-usw2 not found in us-west-2'],
    ],
    [
      'a group whose max is below the plan',
      () =>
        autoScaling
          .on(DescribeAutoScalingGroupsCommand)
          .resolves(describeGroupsOutput(scalingGroup('shop-app-usw2', { MaxSize: 5 }))),
      ['✗ group shop-app-usw2 MaxSize 5 < plan desired 6'],
    ],
    [
      'a parameter missing',
      () => ssm.on(GetParametersCommand).resolves({ Parameters: [], InvalidParameters: ['/shop/db/port'] }),
      ['✗ parameter /shop/db/port not found in us-west-2'],
    ],
    [
      'the topic missing',
      () =>
        sns
          .on(GetTopicAttributesCommand)
          .rejects(new NotFoundException({ message: 'Topic does not exist', $metadata: {} })),
      [`✗ topic ${TOPIC} not found`],
    ],
    [
      'an alarm missing',
      () =>
        cloudWatch
          .on(DescribeAlarmsCommand, { AlarmNames: ['shop-alb-5xx'] })
          .resolves({ MetricAlarms: [], CompositeAlarms: [] }),
      ['✗ alarm shop-alb-5xx not found in us-east-1'],
    ],
    [
      'the state machine deleted',
      () =>
        sfn
          .on(DescribeStateMachineCommand)
          .rejects(new StateMachineDoesNotExist({ message: 'gone', $metadata: {} })),
      [`✗ state machine ${STATE_MACHINE_ARN} does not exist`],
    ],
    [
      'no state machine by the plan’s name',
      () => sfn.on(ListStateMachinesCommand).resolves({ stateMachines: [] }),
      [
        /^✗ no state machine named shop-prod-failover in us-west-2: deploy the orchestrator, or pass --state-machine-arn/,
      ],
    ],
    [
      'access denied on a read',
      () =>
        autoScaling
          .on(DescribeAutoScalingGroupsCommand)
          .rejects(Object.assign(new Error('not authorized'), { name: 'AccessDenied' })),
      ['✗ could not check group shop-app-usw2 in us-west-2: AccessDenied: not authorized'],
    ],
  ])('fails with the exact reason for %s (exit 1)', async (_what, breakIt, expected) => {
    breakIt();

    const { code, outLines } = await check();

    expect(code).toBe(1);
    expect(failures(outLines)).toEqual(
      expected.map((line) => (typeof line === 'string' ? line : expect.stringMatching(line))),
    );
  });

  it('flags a Route 53 health-check alarm that lives outside us-east-1', async () => {
    cloudWatch.on(DescribeAlarmsCommand, { AlarmNames: ['shop-primary-health'] }).resolves({
      MetricAlarms: [
        alarm('shop-primary-health', {
          Namespace: undefined,
          MetricName: undefined,
          Metrics: [
            {
              Id: 'm1',
              MetricStat: {
                Metric: { Namespace: 'AWS/Route53', MetricName: 'HealthCheckStatus' },
                Period: 60,
                Stat: 'Minimum',
              },
            },
          ],
        }),
      ],
    });
    const plan = 'test/check/fixtures/route53-alarm-in-eu-west-1.plan.yaml';

    const { code, outLines } = await runCli(['check', '--plan', plan], recordingEnvironment());

    expect(code).toBe(1);
    expect(failures(outLines)).toEqual([
      '✗ alarm shop-primary-health watches AWS/Route53 in eu-west-1: Route 53 publishes health-check metrics only in us-east-1, so this alarm never leaves INSUFFICIENT_DATA',
    ]);
    expect(
      await cloudWatch
        .commandCalls(DescribeAlarmsCommand, { AlarmNames: ['shop-primary-health'] })[0]
        ?.thisValue.config.region(),
    ).toBe('eu-west-1');
  });

  it('uses --state-machine-arn instead of looking the state machine up by name', async () => {
    const other = 'arn:aws:states:eu-west-1:111111111111:stateMachine:custom';

    const { outLines } = await check('--state-machine-arn', other);

    expect(sfn.commandCalls(ListStateMachinesCommand)).toHaveLength(0);
    expect(sfn.commandCalls(DescribeStateMachineCommand)[0]?.args[0].input).toEqual({
      stateMachineArn: other,
    });
    expect(outLines).toContain(`✓ state machine ${other} is deployed (ACTIVE)`);
  });
});
