import {
  CreateDBInstanceCommand,
  DescribeDBInstancesCommand,
  DescribeDBSnapshotsCommand,
} from '@aws-sdk/client-rds';
import { beforeAll, describe, expect, it } from 'vitest';
import { readFencing } from '../../functions/common/fencing-record.js';
import type { Plan } from '../../functions/common/plan.js';
import { invokeKindFence } from '../../functions/fence-retry/invoke-fence.js';
import { fenceGroups } from '../../functions/kinds/auto-scaling-group/fence.js';
import type { KindContext } from '../../functions/kinds/kind-step.js';
import { fenceDatabases } from '../../functions/kinds/rds-replica/fence.js';
import { expectStepCommandsSentToMoto, stepCalls } from './step-calls.js';
import {
  arrange,
  contractPlan,
  createEchoFunction,
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
 * The fence (issue 10) over HTTP against moto: the old primary in the primary region stopped
 * after a final snapshot, the old region's group scaled to 0, the fencing record in the lock
 * table, and the scheduled retry's Invoke of a kind's function.
 */

const OLD_PRIMARY = 'contract-fence-old-primary';
const OLD_GROUP = 'contract-fence-app-use1';
const LAUNCH_CONFIGURATION = 'contract-fence-lc';
const RDS_FUNCTION = 'contract-fence-rds-replica';
const RDS_FUNCTION_ARN = `arn:aws:lambda:${RECOVERY}:${MOTO_ACCOUNT}:function:${RDS_FUNCTION}`;

const plan: Plan = contractPlan((document) => {
  document.databases = [
    { id: 'main', replica: 'contract-fence-replica', primary: OLD_PRIMARY, maxLagSeconds: 30 },
  ];
  document.scalingGroups = [
    { name: 'contract-fence-app-usw2', min: 2, desired: 4, max: 8, primaryGroup: OLD_GROUP },
  ];
});

const contextOf = (scope = newExecution(), dryRun = false): KindContext => ({
  plan,
  scope,
  dryRun,
  planned: false,
  direction: 'failover',
});

const MUTATING = new Set(['StopDBInstanceCommand', 'UpdateAutoScalingGroupCommand', 'UpdateItemCommand']);
const mutatingCalls = (): string[] =>
  stepCalls.filter((call) => MUTATING.has(call.command)).map((call) => call.command);

async function instanceStatus(id: string): Promise<string | undefined> {
  const { DBInstances } = await arrange
    .rds(PRIMARY)
    .send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: id }));
  return DBInstances?.[0]?.DBInstanceStatus;
}

beforeAll(async () => {
  await createRecordTable('contract-fencing');
  await arrange.rds(PRIMARY).send(
    new CreateDBInstanceCommand({
      DBInstanceIdentifier: OLD_PRIMARY,
      ...POSTGRES_INSTANCE,
      BackupRetentionPeriod: 7,
    }),
  );
  await createScalingGroup(PRIMARY, LAUNCH_CONFIGURATION, OLD_GROUP, { min: 2, desired: 3, max: 6 });
});

describe('the rds-replica fence', () => {
  const scope = newExecution();

  it('stops an available old primary with its final snapshot and records it fenced', async () => {
    // Arrange
    expect(await instanceStatus(OLD_PRIMARY)).toBe('available');

    // Act
    const summary = await fenceDatabases(contextOf(scope));

    // Assert: AWS answers `stopping` and takes minutes to `stopped`; moto is `stopped` at once.
    expect(summary).toMatchObject({ kind: 'rds-replica', action: 'fence', total: 1, pending: 0 });
    expect(await instanceStatus(OLD_PRIMARY)).toBe('stopped');
    const record = await readFencing(RECOVERY, plan.name, 'rds-replica');
    const resource = record?.resources[0];
    expect(record).toMatchObject({ state: 'open', failoverExecution: scope.executionId });
    expect(resource).toMatchObject({ label: OLD_PRIMARY, status: 'fenced', attempts: 1 });
    const snapshot = resource?.facts?.finalSnapshot as string;
    expect(snapshot).toMatch(new RegExp(`^${OLD_PRIMARY}-final-\\d{12}$`));
    const { DBSnapshots } = await arrange
      .rds(PRIMARY)
      .send(new DescribeDBSnapshotsCommand({ DBSnapshotIdentifier: snapshot }));
    expect(DBSnapshots?.[0]).toMatchObject({ DBInstanceIdentifier: OLD_PRIMARY, SnapshotType: 'manual' });
  });

  it('a second run of the same failover calls nothing that mutates AWS', async () => {
    // Arrange
    const stopsBefore = stepCalls.filter((call) => call.command === 'StopDBInstanceCommand').length;

    // Act
    const summary = await fenceDatabases(contextOf(scope));

    // Assert: the fenced resource is not looked at again; only the record is rewritten.
    expect(summary).toMatchObject({ pending: 0 });
    expect(stepCalls.filter((call) => call.command === 'StopDBInstanceCommand')).toHaveLength(stopsBefore);
    const record = await readFencing(RECOVERY, plan.name, 'rds-replica');
    expect(record?.resources[0]).toMatchObject({ status: 'fenced', attempts: 1 });
  });

  it('another failover finds the old primary stopped and its final snapshot with DescribeDBSnapshots, without stopping', async () => {
    // Arrange
    const before = mutatingCalls().filter((command) => command !== 'UpdateItemCommand').length;

    // Act
    await fenceDatabases(contextOf());

    // Assert
    expect(mutatingCalls().filter((command) => command !== 'UpdateItemCommand')).toHaveLength(before);
    const resource = (await readFencing(RECOVERY, plan.name, 'rds-replica'))?.resources[0];
    expect(resource).toMatchObject({
      status: 'fenced',
      detail: expect.stringContaining('stopped (final snapshot'),
    });
    expect(resource?.facts?.finalSnapshot).toMatch(new RegExp(`^${OLD_PRIMARY}-final-\\d{12}$`));
  });

  it('leaves a missing old primary pending with the error line, and a dry run writes nothing', async () => {
    // Arrange
    const missing = contractPlan((document) => {
      document.databases = [
        {
          id: 'main',
          replica: 'contract-fence-replica',
          primary: 'contract-fence-missing',
          maxLagSeconds: 30,
        },
      ];
    });
    const writesBefore = mutatingCalls().length;

    // Act
    const dry = await fenceDatabases({ ...contextOf(newExecution(), true), plan: missing });

    // Assert
    expect(dry).toMatchObject({ pending: 1 });
    expect(dry.message).toContain('not reachable in us-east-1');
    expect(mutatingCalls()).toHaveLength(writesBefore);
  });
});

describe('the auto-scaling-group fence', () => {
  const scope = newExecution();

  it('scales the old region group to min 0 / desired 0 and records its capacity before', async () => {
    // Act
    const summary = await fenceGroups(contextOf(scope));

    // Assert
    expect(summary).toMatchObject({ kind: 'auto-scaling-group', total: 1, pending: 0 });
    expect(await groupCapacityIn(PRIMARY, OLD_GROUP)).toEqual({ min: 0, desired: 0, max: 6 });
    const record = await readFencing(RECOVERY, plan.name, 'auto-scaling-group');
    expect(record?.resources[0]).toMatchObject({
      label: OLD_GROUP,
      status: 'fenced',
      facts: { previous: { min: 2, desired: 3, max: 6 } },
    });
  });

  it('another run finds the group at 0 and does not update it, keeping the capacity first seen', async () => {
    // Arrange
    const updates = (): number =>
      stepCalls.filter((call) => call.command === 'UpdateAutoScalingGroupCommand').length;
    const before = updates();

    // Act
    await fenceGroups(contextOf(scope));
    await fenceGroups(contextOf());

    // Assert: the second failover's record starts afresh, so its `previous` is what it saw (0).
    expect(updates()).toBe(before);
    const record = await readFencing(RECOVERY, plan.name, 'auto-scaling-group');
    expect(record?.resources[0]).toMatchObject({ status: 'fenced', detail: expect.stringContaining('at 0') });
  });
});

describe("the fence retry's Invoke of a kind's function", () => {
  it("invokes the kind's function with action fence and the failover's execution", async () => {
    // Arrange: see custom-hook.contract.ts: moto without Docker echoes the event as the answer.
    expect(await createEchoFunction(RDS_FUNCTION, 60)).toBe(RDS_FUNCTION_ARN);
    const context = contextOf();

    // Act
    const answer = await invokeKindFence({ RdsReplicaFunctionArn: RDS_FUNCTION_ARN })('rds-replica', context);

    // Assert
    expect(answer).toEqual({
      action: 'fence',
      executionId: context.scope.executionId,
      dryRun: false,
      triggerKind: 'alarm',
      direction: 'failover',
    });
    expect(stepCalls.filter((call) => call.command === 'InvokeCommand').at(-1)).toMatchObject({
      service: 'lambda',
      region: RECOVERY,
    });
  });
});

describe('the fence steps over HTTP', () => {
  it('sent StopDBInstance, DescribeDBSnapshots and the record calls to the moto server only', () => {
    expectStepCommandsSentToMoto('fencing', motoEndpoint(), [
      'DescribeDBInstancesCommand',
      'DescribeAutoScalingGroupsCommand',
      'UpdateAutoScalingGroupCommand',
      'GetItemCommand',
      'UpdateItemCommand',
      'InvokeCommand',
    ]);
  });
});
