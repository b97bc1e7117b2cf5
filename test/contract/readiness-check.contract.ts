import {
  CreateAutoScalingGroupCommand,
  CreateLaunchConfigurationCommand,
} from '@aws-sdk/client-auto-scaling';
import { GetMetricDataCommand, ListMetricsCommand, PutMetricAlarmCommand } from '@aws-sdk/client-cloudwatch';
import { CreateDBInstanceCommand, CreateDBInstanceReadReplicaCommand } from '@aws-sdk/client-rds';
import {
  CreateStateMachineCommand,
  DeleteStateMachineCommand,
  DescribeStateMachineCommand,
} from '@aws-sdk/client-sfn';
import { CreateTopicCommand, GetTopicAttributesCommand } from '@aws-sdk/client-sns';
import { GetParametersCommand, PutParameterCommand } from '@aws-sdk/client-ssm';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { Plan, PlanInput } from '../../functions/common/plan.js';
import { handler } from '../../functions/readiness-check/handler.js';
import { checkReadiness, type Readiness } from '../../functions/readiness-check/readiness-check.js';
import {
  publishReadiness,
  READINESS_METRIC,
  READINESS_NAMESPACE,
} from '../../functions/readiness-check/readiness-metric.js';
import { stateMachineChecks } from '../../functions/readiness-check/resource-checks.js';
import { lambdaContext } from '../fixtures/lambda-context.js';
import { expectStepCommandsSentToMoto, stepCalls, type StepCommand } from './step-calls.js';
import {
  arrange,
  contractPlan,
  motoEndpoint,
  MOTO_ACCOUNT,
  PRIMARY,
  RECOVERY,
  rejectionOf,
} from './support.js';

/**
 * The readiness check (checkReadiness, publishReadiness and the scheduled handler) over HTTP
 * against moto: a replica, groups, parameters, a topic, alarms and a state machine arranged in
 * moto, read by the check's own clients; the Readiness metric read back from CloudWatch.
 */

const PREFIX = 'contract-ready';
const SOURCE = `${PREFIX}-source`;
const REPLICA = `${PREFIX}-replica`;
const STANDALONE = `${PREFIX}-standalone`;
const GROUP = `${PREFIX}-app`;
const SMALL_GROUP = `${PREFIX}-small`;
const TOPIC_ARN = `arn:aws:sns:${RECOVERY}:${MOTO_ACCOUNT}:${PREFIX}-topic`;
const MISSING_TOPIC_ARN = `arn:aws:sns:${RECOVERY}:${MOTO_ACCOUNT}:${PREFIX}-missing-topic`;
const HEALTH_ALARM = `${PREFIX}-health`;
const MISPLACED_HEALTH_ALARM = `${PREFIX}-health-usw2`;
const ERRORS_ALARM = `${PREFIX}-5xx`;
const STATE_MACHINE_ARN = `arn:aws:states:${RECOVERY}:${MOTO_ACCOUNT}:stateMachine:${PREFIX}-failover`;
const MISSING_STATE_MACHINE_ARN = `arn:aws:states:${RECOVERY}:${MOTO_ACCOUNT}:stateMachine:${PREFIX}-missing`;
/** Twelve names: GetParameters takes ten, so the check asks twice. */
const PARAMETERS = Array.from(
  { length: 12 },
  (_, index) => `/${PREFIX}/p${String(index + 1).padStart(2, '0')}`,
);
const MISSING_PARAMETERS = new Set([PARAMETERS[3], PARAMETERS[11]]);

let plans = 0;

/** A plan of its own name (the metric's Plan dimension) over the arranged resources, then `change`. */
function readinessPlan(change: (document: PlanInput) => void = () => undefined): Plan {
  plans += 1;
  return contractPlan((document) => {
    document.name = `${PREFIX}-${plans}`;
    document.triggers.alarms = [
      { name: HEALTH_ALARM, region: PRIMARY },
      { name: ERRORS_ALARM, region: PRIMARY },
    ];
    document.databases = [];
    document.scalingGroups = [{ name: GROUP, min: 3, desired: 6, max: 12 }];
    document.parameters = PARAMETERS.filter((name) => !MISSING_PARAMETERS.has(name))
      .slice(0, 3)
      .map((name) => ({ name, value: '{{recoveryRegion}}' }));
    document.notifications = { topicArn: TOPIC_ARN };
    change(document);
  });
}

const deployed = { stateMachine: { kind: 'deployed', arn: STATE_MACHINE_ARN } } as const;
const calls = (command: StepCommand): number => stepCalls.filter((call) => call.command === command).length;
/** The checks as `check resource: status`, in the order the result lists them. */
const summary = (readiness: Readiness): string[] =>
  readiness.checks.map(({ check, resource, status }) => `${check} ${resource}: ${status}`);
const reasonOf = (readiness: Readiness, check: string, resource: string): string | undefined =>
  readiness.checks.find((candidate) => candidate.check === check && candidate.resource === resource)?.reason;

async function arrangeDatabases(): Promise<void> {
  const create = { DBInstanceClass: 'db.t3.micro', Engine: 'postgres', AllocatedStorage: 20 } as const;
  const credentials = { MasterUsername: 'shop', MasterUserPassword: 'contract-test-only' } as const;
  const { DBInstance: source } = await arrange.rds(PRIMARY).send(
    new CreateDBInstanceCommand({
      DBInstanceIdentifier: SOURCE,
      ...create,
      ...credentials,
      BackupRetentionPeriod: 7,
    }),
  );
  await arrange.rds(RECOVERY).send(
    new CreateDBInstanceReadReplicaCommand({
      DBInstanceIdentifier: REPLICA,
      SourceDBInstanceIdentifier: source?.DBInstanceArn,
    }),
  );
  await arrange.rds(RECOVERY).send(
    new CreateDBInstanceCommand({
      DBInstanceIdentifier: STANDALONE,
      ...create,
      ...credentials,
      BackupRetentionPeriod: 0,
    }),
  );
}

async function arrangeGroups(): Promise<void> {
  const autoScaling = arrange.autoScaling(RECOVERY);
  await autoScaling.send(
    new CreateLaunchConfigurationCommand({
      LaunchConfigurationName: `${PREFIX}-lc`,
      ImageId: 'ami-12c6146b',
      InstanceType: 't3.micro',
    }),
  );
  for (const [name, max] of [
    [GROUP, 12],
    [SMALL_GROUP, 2],
  ] as const) {
    await autoScaling.send(
      new CreateAutoScalingGroupCommand({
        AutoScalingGroupName: name,
        LaunchConfigurationName: `${PREFIX}-lc`,
        MinSize: 0,
        DesiredCapacity: 0,
        MaxSize: max,
        AvailabilityZones: [`${RECOVERY}a`],
      }),
    );
  }
}

async function arrangeAlarm(name: string, region: string, namespace: string, metric: string): Promise<void> {
  await arrange.cloudWatch(region).send(
    new PutMetricAlarmCommand({
      AlarmName: name,
      Namespace: namespace,
      MetricName: metric,
      Dimensions: [{ Name: 'Id', Value: 'contract' }],
      Statistic: 'Minimum',
      Period: 60,
      EvaluationPeriods: 1,
      Threshold: 1,
      ComparisonOperator: 'LessThanThreshold',
    }),
  );
}

beforeAll(async () => {
  const ssm = arrange.ssm(RECOVERY);
  await Promise.all([
    arrangeDatabases(),
    arrangeGroups(),
    ...PARAMETERS.filter((name) => !MISSING_PARAMETERS.has(name)).map((name) =>
      ssm.send(new PutParameterCommand({ Name: name, Value: PRIMARY, Type: 'String' })),
    ),
    arrange.sns(RECOVERY).send(new CreateTopicCommand({ Name: `${PREFIX}-topic` })),
    arrangeAlarm(HEALTH_ALARM, PRIMARY, 'AWS/Route53', 'HealthCheckStatus'),
    arrangeAlarm(MISPLACED_HEALTH_ALARM, RECOVERY, 'AWS/Route53', 'HealthCheckStatus'),
    arrangeAlarm(ERRORS_ALARM, PRIMARY, 'AWS/ApplicationELB', 'HTTPCode_ELB_5XX_Count'),
    arrange.sfn(RECOVERY).send(
      new CreateStateMachineCommand({
        name: `${PREFIX}-failover`,
        definition: JSON.stringify({ StartAt: 'Done', States: { Done: { Type: 'Pass', End: true } } }),
        roleArn: `arn:aws:iam::${MOTO_ACCOUNT}:role/${PREFIX}`,
      }),
    ),
  ]);
});

describe('checkReadiness', () => {
  it('passes every check of a plan whose resources are in place, in plan order', async () => {
    // Arrange
    const plan = readinessPlan();

    // Act
    const readiness = await checkReadiness(plan, deployed);

    // Assert
    expect(readiness.ready).toBe(true);
    const [first, second, third] = plan.parameters.map((parameter) => parameter.name);
    expect(summary(readiness)).toEqual([
      `group-exists ${GROUP}: pass`,
      `group-max ${GROUP}: pass`,
      `parameter-exists ${first}: pass`,
      `parameter-exists ${second}: pass`,
      `parameter-exists ${third}: pass`,
      `topic-exists ${TOPIC_ARN}: pass`,
      `alarm-exists ${HEALTH_ALARM}: pass`,
      `alarm-region ${HEALTH_ALARM}: pass`,
      `alarm-exists ${ERRORS_ALARM}: pass`,
      `state-machine ${STATE_MACHINE_ARN}: pass`,
    ]);
    expect(reasonOf(readiness, 'topic-exists', TOPIC_ARN)).toBe(
      `topic ${TOPIC_ARN} exists (confirmed subscriptions: 0)`,
    );
    // moto starts an alarm in OK; AWS in INSUFFICIENT_DATA.
    expect(reasonOf(readiness, 'alarm-exists', HEALTH_ALARM)).toBe(
      `alarm ${HEALTH_ALARM} exists in ${PRIMARY} (AWS/Route53 HealthCheckStatus, OK)`,
    );
    expect(reasonOf(readiness, 'state-machine', STATE_MACHINE_ARN)).toBe(
      `state machine ${STATE_MACHINE_ARN} is deployed (ACTIVE)`,
    );
  });

  it('cannot pass a read replica in moto: moto reports no read-replication status', async () => {
    // Arrange
    const plan = readinessPlan((document) => {
      document.databases = [{ id: 'main', replica: REPLICA, maxLagSeconds: 30 }];
    });

    // Act
    const readiness = await checkReadiness(plan, deployed);

    // Assert: AWS lists StatusInfos [{ StatusType: 'read replication', Status: 'replicating',
    // Normal: true }] for a healthy replica (test/fixtures/aws/api/rds-PromoteReadReplica-response.xml);
    // moto lists none. So the lag check, which follows only a replicating replica, never runs here.
    expect(readiness.ready).toBe(false);
    expect(summary(readiness).slice(0, 4)).toEqual([
      `replica-exists ${REPLICA}: pass`,
      `replica-replicating ${REPLICA}: fail`,
      `replica-promotable ${REPLICA}: pass`,
      `replica-backups ${REPLICA}: pass`,
    ]);
    expect(reasonOf(readiness, 'replica-replicating', REPLICA)).toMatch(
      new RegExp(
        `^replica ${REPLICA} is a read replica of arn:aws:rds:${PRIMARY}:\\d{12}:db:${SOURCE}, but replication is not reported$`,
      ),
    );
    expect(readiness.checks.some((check) => check.check === 'replica-lag')).toBe(false);
  });

  it('fails each check whose resource is missing or wrong, naming it', async () => {
    // Arrange
    const plan = readinessPlan((document) => {
      document.triggers.alarms = [
        { name: `${PREFIX}-missing-alarm`, region: PRIMARY },
        { name: MISPLACED_HEALTH_ALARM, region: RECOVERY },
      ];
      document.databases = [
        { id: 'gone', replica: `${PREFIX}-missing-replica`, maxLagSeconds: 30 },
        { id: 'promoted', replica: STANDALONE, maxLagSeconds: 30 },
      ];
      document.scalingGroups = [
        { name: `${PREFIX}-missing-group`, min: 1, desired: 1, max: 2 },
        { name: SMALL_GROUP, min: 3, desired: 6, max: 12 },
      ];
      document.notifications = { topicArn: MISSING_TOPIC_ARN };
    });

    // Act
    const readiness = await checkReadiness(plan, {
      stateMachine: { kind: 'deployed', arn: MISSING_STATE_MACHINE_ARN },
    });

    // Assert
    expect(readiness.ready).toBe(false);
    expect(readiness.checks.filter((check) => check.status === 'fail').map(({ reason }) => reason)).toEqual([
      `replica ${PREFIX}-missing-replica not found in ${RECOVERY}`,
      `replica ${STANDALONE} is standalone (no read replica source): it was promoted already, or it is not a replica`,
      `replica ${STANDALONE} has BackupRetentionPeriod 0: once promoted it would have no automated backups`,
      `group ${PREFIX}-missing-group not found in ${RECOVERY}`,
      `group ${SMALL_GROUP} MaxSize 2 < plan desired 6`,
      `topic ${MISSING_TOPIC_ARN} not found`,
      `alarm ${PREFIX}-missing-alarm not found in ${PRIMARY}`,
      `alarm ${MISPLACED_HEALTH_ALARM} watches AWS/Route53 in ${RECOVERY}: Route 53 publishes health-check metrics only in ${PRIMARY}, so this alarm never leaves INSUFFICIENT_DATA`,
      `state machine ${MISSING_STATE_MACHINE_ARN} does not exist`,
    ]);
  });

  it('asks GetParameters for at most ten names at a time and fails the names it reports invalid', async () => {
    // Arrange
    const plan = readinessPlan((document) => {
      document.parameters = PARAMETERS.map((name) => ({ name, value: '{{recoveryRegion}}' }));
    });
    const before = calls('GetParametersCommand');

    // Act
    const readiness = await checkReadiness(plan, deployed);

    // Assert
    expect(calls('GetParametersCommand')).toBe(before + 2);
    const parameterChecks = readiness.checks.filter((check) => check.check === 'parameter-exists');
    expect(parameterChecks.map(({ resource, status }) => `${resource}: ${status}`)).toEqual(
      PARAMETERS.map((name) => `${name}: ${MISSING_PARAMETERS.has(name) ? 'fail' : 'pass'}`),
    );
  });

  it('fails the state machine check once the state machine is deleted: moto forgets it at once', async () => {
    // Arrange: AWS answers DescribeStateMachine with status DELETING while it deletes (the check
    // then fails with "is DELETING, not ACTIVE"); moto removes it in DeleteStateMachine.
    const sfn = arrange.sfn(RECOVERY);
    const { stateMachineArn = '' } = await sfn.send(
      new CreateStateMachineCommand({
        name: `${PREFIX}-deleted`,
        definition: JSON.stringify({ StartAt: 'Done', States: { Done: { Type: 'Pass', End: true } } }),
        roleArn: `arn:aws:iam::${MOTO_ACCOUNT}:role/${PREFIX}`,
      }),
    );
    await sfn.send(new DeleteStateMachineCommand({ stateMachineArn }));

    // Act
    const checks = await stateMachineChecks({ kind: 'deployed', arn: stateMachineArn });

    // Assert
    expect(checks).toEqual([
      {
        check: 'state-machine',
        resource: stateMachineArn,
        status: 'fail',
        reason: `state machine ${stateMachineArn} does not exist`,
      },
    ]);
  });
});

describe('publishReadiness', () => {
  it.each([
    { ready: true, value: 1 },
    { ready: false, value: 0 },
  ])(
    'publishes Readiness $value (ready: $ready), readable back with ListMetrics and GetMetricData',
    async ({ ready, value }) => {
      // Arrange
      const plan = readinessPlan();
      const checkedAt = new Date(Date.now() - 30_000).toISOString();
      const cloudWatch = arrange.cloudWatch(RECOVERY);
      const metric = {
        Namespace: READINESS_NAMESPACE,
        MetricName: READINESS_METRIC,
        Dimensions: [{ Name: 'Plan', Value: plan.name }],
      };

      // Act
      await publishReadiness(plan, { plan: plan.name, ready, checkedAt, checks: [] });

      // Assert: AWS lists a new metric after up to 15 minutes; moto at once.
      const { Metrics } = await cloudWatch.send(new ListMetricsCommand(metric));
      expect(Metrics).toEqual([metric]);
      const { MetricDataResults } = await cloudWatch.send(
        new GetMetricDataCommand({
          StartTime: new Date(Date.now() - 300_000),
          EndTime: new Date(Date.now() + 60_000),
          MetricDataQueries: [
            { Id: 'readiness', MetricStat: { Metric: metric, Period: 60, Stat: 'Minimum' } },
          ],
        }),
      );
      expect(MetricDataResults?.[0]).toMatchObject({ Id: 'readiness', Values: [value] });
    },
  );

  it('publishes in the recovery region only', async () => {
    // Arrange
    const plan = readinessPlan();
    await publishReadiness(plan, {
      plan: plan.name,
      ready: true,
      checkedAt: new Date().toISOString(),
      checks: [],
    });

    // Act
    const { Metrics } = await arrange.cloudWatch(PRIMARY).send(
      new ListMetricsCommand({
        Namespace: READINESS_NAMESPACE,
        Dimensions: [{ Name: 'Plan', Value: plan.name }],
      }),
    );

    // Assert
    expect(Metrics).toEqual([]);
  });
});

describe('the scheduled readiness check handler', () => {
  it('checks the deployed plan against FAILOVER_STATE_MACHINE_ARN and FAILOVER_TOPIC_ARN and publishes Readiness', async () => {
    // Arrange: the plan names no topic, so the check reads the one the construct created.
    const plan = readinessPlan((document) => {
      document.notifications = {};
    });
    vi.stubEnv('FAILOVER_PLAN', JSON.stringify(plan));
    vi.stubEnv('FAILOVER_STATE_MACHINE_ARN', STATE_MACHINE_ARN);
    vi.stubEnv('FAILOVER_TOPIC_ARN', TOPIC_ARN);
    const puts = calls('PutMetricDataCommand');

    // Act
    const readiness = (await handler({}, lambdaContext('failover-readiness-check'))) as Readiness;

    // Assert
    expect(readiness).toMatchObject({ plan: plan.name, ready: true });
    expect(reasonOf(readiness, 'topic-exists', TOPIC_ARN)).toContain('exists');
    expect(calls('PutMetricDataCommand')).toBe(puts + 1);
    const { Metrics } = await arrange.cloudWatch(RECOVERY).send(
      new ListMetricsCommand({
        Namespace: READINESS_NAMESPACE,
        Dimensions: [{ Name: 'Plan', Value: plan.name }],
      }),
    );
    expect(Metrics).toHaveLength(1);
  });
});

describe('SNS, SSM and Step Functions errors as the SDK reads them from moto', () => {
  it('names GetTopicAttributes of a missing topic NotFoundException (404), as the topic check expects', async () => {
    // Act
    const error = await rejectionOf(
      arrange.sns(RECOVERY).send(new GetTopicAttributesCommand({ TopicArn: MISSING_TOPIC_ARN })),
    );

    // Assert
    expect(error.name).toBe('NotFoundException');
    expect(error.$metadata?.httpStatusCode).toBe(404);
  });

  it('refuses GetParameters of more than ten names with ValidationException, like AWS', async () => {
    // Act
    const error = await rejectionOf(
      arrange.ssm(RECOVERY).send(new GetParametersCommand({ Names: PARAMETERS.slice(0, 11) })),
    );

    // Assert
    expect(error.name).toBe('ValidationException');
    expect(error.$metadata?.httpStatusCode).toBe(400);
  });

  it('answers missing names in InvalidParameters, not with an error', async () => {
    // Act
    const response = await arrange
      .ssm(RECOVERY)
      .send(new GetParametersCommand({ Names: PARAMETERS.slice(0, 4) }));

    // Assert
    expect(response.InvalidParameters).toEqual([PARAMETERS[3]]);
    expect(response.Parameters?.map((parameter) => parameter.Name).sort()).toEqual(PARAMETERS.slice(0, 3));
  });

  it('names DescribeStateMachine of a missing state machine StateMachineDoesNotExist (400)', async () => {
    // Act
    const error = await rejectionOf(
      arrange
        .sfn(RECOVERY)
        .send(new DescribeStateMachineCommand({ stateMachineArn: MISSING_STATE_MACHINE_ARN })),
    );

    // Assert
    expect(error.name).toBe('StateMachineDoesNotExist');
    expect(error.$metadata?.httpStatusCode).toBe(400);
  });
});

describe('the readiness check over HTTP', () => {
  it('sent its reads and PutMetricData to the moto server only', () => {
    expectStepCommandsSentToMoto('readiness-check', motoEndpoint(), [
      'DescribeDBInstancesCommand',
      'DescribeAutoScalingGroupsCommand',
      'DescribeAlarmsCommand',
    ]);
  });
});
