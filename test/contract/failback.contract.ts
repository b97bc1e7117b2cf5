import { PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import {
  CreateDBInstanceCommand,
  CreateDBParameterGroupCommand,
  DescribeDBInstancesCommand,
  StopDBInstanceCommand,
  type DBInstance,
} from '@aws-sdk/client-rds';
import { CreateTopicCommand, SubscribeCommand } from '@aws-sdk/client-sns';
import { GetParameterCommand, PutParameterCommand } from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { readProgress, rememberOnce } from '../../functions/common/failover-record.js';
import { readFencing, writeFencing } from '../../functions/common/fencing-record.js';
import type { Plan } from '../../functions/common/plan.js';
import { failbackStep } from '../../functions/failback/failback-steps.js';
import { scaleBack } from '../../functions/kinds/auto-scaling-group/failback.js';
import type { KindContext } from '../../functions/kinds/kind-step.js';
import { promoteHome } from '../../functions/kinds/rds-replica/failback.js';
import { reprotectDatabases, type Reprotection } from '../../functions/kinds/rds-replica/reprotect.js';
import { routeBack } from '../../functions/kinds/ssm-parameter/failback.js';
import { startSnsSubscriber, type SnsSubscriber } from './sns-subscriber.js';
import { expectStepCommandsSentToMoto, stepCalls } from './step-calls.js';
import {
  arrange,
  contractPlan,
  createRecordTable,
  createScalingGroup,
  groupCapacityIn,
  MOTO_ACCOUNT,
  motoEndpoint,
  newExecution,
  POSTGRES_INSTANCE,
  PRIMARY,
  RECOVERY,
} from './support.js';

/**
 * The failback (issue 10) over HTTP against moto: re-protection of the home region (the fenced
 * old primary renamed aside, a cross-region replica under its identifier from the recovery
 * instance), Promote Home, Scale Back, Route Back, and the failback step's freeze, close and
 * notify.
 */

const HOME_DB = 'contract-fb-home-db';
const RECOVERY_DB = 'contract-fb-recovery-db';
const PARAMETER_GROUP = 'contract-fb-pg';
const HOME_KMS_KEY = `arn:aws:kms:${PRIMARY}:${MOTO_ACCOUNT}:key/contract-fb-home`;
const HOME_GROUP = 'contract-fb-app-use1';
const RECOVERY_GROUP = 'contract-fb-app-usw2';
const LAUNCH_CONFIGURATION = 'contract-fb-lc';
const ACTIVE_REGION = '/contract-fb/active-region';
const FREEZE = '/contract-fb/writes';
/** Its own topic: moto delivers every file's Publish to every http subscriber of a topic. */
const TOPIC = 'contract-fb-failback';

const plan: Plan = contractPlan((document) => {
  document.databases = [
    {
      id: 'main',
      replica: RECOVERY_DB,
      primary: HOME_DB,
      maxLagSeconds: 30,
      instanceClass: 'db.t3.micro',
      parameterGroup: PARAMETER_GROUP,
      primaryKmsKeyId: HOME_KMS_KEY,
    },
  ];
  document.scalingGroups = [{ name: RECOVERY_GROUP, min: 3, desired: 6, max: 12, primaryGroup: HOME_GROUP }];
  document.parameters = [{ name: ACTIVE_REGION, value: '{{recoveryRegion}}' }];
  document.notifications = { topicArn: `arn:aws:sns:${RECOVERY}:${MOTO_ACCOUNT}:${TOPIC}` };
  document.failback = { freezeParameter: { name: FREEZE, frozenValue: 'frozen', openValue: 'open' } };
});

const failover = newExecution();
const failback = newExecution();
const context: KindContext = {
  plan,
  scope: failback,
  dryRun: false,
  planned: true,
  direction: 'failback',
  failoverScope: failover,
  target: 'home',
};
let subscriber: SnsSubscriber;

const callsOf = (command: string) => stepCalls.filter((call) => call.command === command);

async function instance(region: string, id: string): Promise<DBInstance | undefined> {
  const { DBInstances } = await arrange
    .rds(region)
    .send(new DescribeDBInstancesCommand({ Filters: [{ Name: 'db-instance-id', Values: [id] }] }));
  return DBInstances?.[0];
}

async function parameterValue(name: string): Promise<string | undefined> {
  const { Parameter } = await arrange.ssm(RECOVERY).send(new GetParameterCommand({ Name: name }));
  return Parameter?.Value;
}

/** What the failover and its fence left: the old primary stopped, the old group at 0, records. */
beforeAll(async () => {
  await createRecordTable('contract-failback');
  vi.stubEnv('FAILOVER_PLAN', JSON.stringify(plan));
  subscriber = await startSnsSubscriber();
  const { TopicArn } = await arrange.sns(RECOVERY).send(new CreateTopicCommand({ Name: TOPIC }));
  await arrange
    .sns(RECOVERY)
    .send(new SubscribeCommand({ TopicArn, Protocol: 'http', Endpoint: subscriber.endpoint }));
  await arrange.rds(PRIMARY).send(
    new CreateDBInstanceCommand({
      DBInstanceIdentifier: HOME_DB,
      ...POSTGRES_INSTANCE,
      BackupRetentionPeriod: 7,
    }),
  );
  await arrange.rds(PRIMARY).send(new StopDBInstanceCommand({ DBInstanceIdentifier: HOME_DB }));
  await arrange.rds(RECOVERY).send(
    new CreateDBInstanceCommand({
      DBInstanceIdentifier: RECOVERY_DB,
      ...POSTGRES_INSTANCE,
      BackupRetentionPeriod: 7,
    }),
  );
  await arrange.rds(PRIMARY).send(
    new CreateDBParameterGroupCommand({
      DBParameterGroupName: PARAMETER_GROUP,
      DBParameterGroupFamily: 'postgres16',
      Description: 'contract failback replica',
    }),
  );
  await createScalingGroup(PRIMARY, LAUNCH_CONFIGURATION, HOME_GROUP, { min: 0, desired: 0, max: 6 });
  await createScalingGroup(RECOVERY, LAUNCH_CONFIGURATION, RECOVERY_GROUP, { min: 3, desired: 6, max: 12 });
  await arrange
    .ssm(RECOVERY)
    .send(new PutParameterCommand({ Name: ACTIVE_REGION, Value: RECOVERY, Type: 'String' }));
  await rememberOnce(failover, 'auto-scaling-group', 0, { previous: { min: 1, desired: 2, max: 4 } });
  await rememberOnce(failover, 'ssm-parameter', 0, { previousValue: PRIMARY, type: 'String' });
  const fenced = (label: string, facts: Record<string, unknown>) => ({
    label,
    status: 'fenced' as const,
    attempts: 1,
    detail: 'fenced',
    facts,
  });
  const record = { planName: plan.name, failoverExecution: failover.executionId, state: 'open' as const };
  await writeFencing(RECOVERY, { ...record, kind: 'rds-replica', resources: [fenced(HOME_DB, {})] });
  await writeFencing(RECOVERY, {
    ...record,
    kind: 'auto-scaling-group',
    resources: [fenced(HOME_GROUP, { previous: { min: 2, desired: 3, max: 6 } })],
  });
});

afterAll(async () => {
  await subscriber.close();
});

describe('re-protect home', () => {
  it('starts the stopped old primary, renames it aside, stops it again and creates the cross-region replica', async () => {
    // Act: the workflow's loop, one call per poll.
    const messages: string[] = [];
    for (let poll = 0; poll < 5; poll += 1) {
      await reprotectDatabases(context);
      const progress = await readProgress<Reprotection[]>(failback, 'rds-replica-reprotect-home');
      messages.push(progress?.[0]?.message ?? '');
    }

    // Assert: AWS takes minutes per step (starting, renaming, creating); moto is there at once.
    expect(messages.slice(0, 3)).toEqual([
      expect.stringContaining(`${HOME_DB} is stopped: started, to rename it aside`),
      expect.stringMatching(new RegExp(`^${HOME_DB} renamed aside to ${HOME_DB}-stale-\\d{12}$`)),
      expect.stringContaining(`${HOME_DB} being created in ${PRIMARY} from arn:aws:rds:${RECOVERY}:`),
    ]);
    const progress = await readProgress<Reprotection[]>(failback, 'rds-replica-reprotect-home');
    const staleId = progress?.[0]?.staleId ?? '';
    expect((await instance(PRIMARY, staleId))?.DBInstanceStatus).toBe('stopped');
    const replica = await instance(PRIMARY, HOME_DB);
    expect(replica).toMatchObject({
      DBInstanceStatus: 'available',
      DBInstanceClass: 'db.t3.micro',
      ReadReplicaSourceDBInstanceIdentifier: expect.stringContaining(`:db:${RECOVERY_DB}`),
      DBParameterGroups: [expect.objectContaining({ DBParameterGroupName: PARAMETER_GROUP })],
    });
    // AWS marks a caught-up replica with StatusInfos `read replication` / `replicating`; moto 5.2.1
    // sets no StatusInfos, so against moto the step keeps polling `creating` (until
    // replicaTimeoutSeconds) after the replica is available.
    expect(replica?.StatusInfos ?? []).toEqual([]);
    expect(progress?.[0]).toMatchObject({
      status: 'creating',
      message: `${HOME_DB} (${PRIMARY}) is available`,
    });
    expect(callsOf('CreateDBInstanceReadReplicaCommand')).toEqual([
      expect.objectContaining({ region: PRIMARY }),
    ]);
    expect(callsOf('StopDBInstanceCommand')).toHaveLength(1);
  });

  it('records the KmsKeyId it was given, which moto keeps without checking the key', async () => {
    // moto 5.2.1 stores KmsKeyId as sent (no KMS lookup) and leaves StorageEncrypted false;
    // AWS refuses an unknown key (KMSKeyNotAccessibleFault) and encrypts the replica.
    const replica = await instance(PRIMARY, HOME_DB);
    expect(replica?.KmsKeyId).toBe(HOME_KMS_KEY);
    expect(replica?.StorageEncrypted).not.toBe(true);
  });
});

describe('promote home', () => {
  it('promotes the home replica in the primary region once its lag is within the threshold', async () => {
    // Arrange: the home replica's ReplicaLag, 0 s with writes frozen.
    await arrange.cloudWatch(PRIMARY).send(
      new PutMetricDataCommand({
        Namespace: 'AWS/RDS',
        MetricData: [
          {
            MetricName: 'ReplicaLag',
            Dimensions: [{ Name: 'DBInstanceIdentifier', Value: HOME_DB }],
            Timestamp: new Date(Date.now() - 20_000),
            Value: 0,
            Unit: 'Seconds',
          },
        ],
      }),
    );

    // Act
    const summary = await promoteHome(context, 'start');

    // Assert: as in database.contract.ts, moto keeps the source after PromoteReadReplica, so the
    // promotion stays `promoting` where AWS would finish within minutes.
    expect(summary).toMatchObject({ kind: 'rds-replica', action: 'start', done: false });
    expect(callsOf('PromoteReadReplicaCommand')).toEqual([expect.objectContaining({ region: PRIMARY })]);
  });
});

describe('scale back', () => {
  it('brings the home group back to the fenced capacity, then the recovery group to its pre-failover one', async () => {
    // Act
    const first = await scaleBack(context, 'start');
    const second = await scaleBack(context, 'check');

    // Assert: the first look judged the home group as it was (0 InService); moto launches at once.
    expect(first).toMatchObject({ done: false });
    expect(second).toMatchObject({ done: true });
    expect(await groupCapacityIn(PRIMARY, HOME_GROUP)).toEqual({ min: 2, desired: 3, max: 6 });
    expect(await groupCapacityIn(RECOVERY, RECOVERY_GROUP)).toEqual({ min: 1, desired: 2, max: 4 });
  });
});

describe('route back', () => {
  it('puts the parameter back to the value recorded before the failover, once', async () => {
    // Act
    await routeBack(context);
    const puts = callsOf('PutParameterCommand').length;
    await routeBack(context);

    // Assert
    expect(await parameterValue(ACTIVE_REGION)).toBe(PRIMARY);
    expect(callsOf('PutParameterCommand')).toHaveLength(puts);
  });
});

describe('the failback step', () => {
  it('freezes writes with the freeze parameter, once, and unfreezes them', async () => {
    // Act
    const frozen = await failbackStep({ action: 'freeze', dryRun: false });
    const again = await failbackStep({ action: 'freeze', dryRun: false });
    const frozenValue = await parameterValue(FREEZE);
    const open = await failbackStep({ action: 'unfreeze', dryRun: false });

    // Assert
    expect(frozen).toEqual({ changed: true, message: `${FREEZE} set to frozen` });
    expect(again).toEqual({ changed: false, message: `${FREEZE} already frozen` });
    expect(frozenValue).toBe('frozen');
    expect(open).toEqual({ changed: true, message: `${FREEZE} set to open` });
    expect(await parameterValue(FREEZE)).toBe('open');
  });

  it('closes the fencing records and records the failback on the lock item', async () => {
    // Act
    const closed = await failbackStep({
      action: 'close',
      executionId: failback.executionId,
      failoverExecutionId: failover.executionId,
      dryRun: false,
    });

    // Assert
    expect(closed).toMatchObject({ closed: true });
    for (const kind of ['rds-replica', 'auto-scaling-group'])
      expect(await readFencing(RECOVERY, plan.name, kind)).toMatchObject({
        state: 'closed',
        closedBy: failback.executionId,
      });
    const { Item } = await arrange
      .dynamoDb(RECOVERY)
      .send(new GetItemCommand({ TableName: 'contract-failback', Key: { planName: { S: plan.name } } }));
    expect(Item).toMatchObject({
      lastFailbackExecution: { S: failback.executionId },
      lastFailbackOf: { S: failover.executionId },
    });
  });

  it('publishes one notice to the plan topic with the progress lines of the failback record', async () => {
    // Act
    const notified = (await failbackStep({
      action: 'notify',
      kind: 'succeeded',
      executionId: failback.executionId,
      state: {},
    })) as { messageId: string | null; subject: string };

    // Assert
    const delivery = subscriber.deliveryOf(notified.messageId);
    expect(delivery?.Subject).toBe(notified.subject);
    expect(delivery?.Message).toContain(`rds-replica-reprotect-home: ${HOME_DB} (${PRIMARY}) is available`);
  });
});

describe('the failback steps over HTTP', () => {
  it('sent StartDBInstance, ModifyDBInstance, CreateDBInstanceReadReplica and the rest to the moto server only', () => {
    expectStepCommandsSentToMoto('failback', motoEndpoint(), [
      'StopDBInstanceCommand',
      'DescribeDBInstancesCommand',
      'PromoteReadReplicaCommand',
      'GetMetricDataCommand',
      'DescribeAutoScalingGroupsCommand',
      'UpdateAutoScalingGroupCommand',
      'GetParameterCommand',
      'PutParameterCommand',
      'GetItemCommand',
      'UpdateItemCommand',
      'PublishCommand',
    ]);
  });
});
