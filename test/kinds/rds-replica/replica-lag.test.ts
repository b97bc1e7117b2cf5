import '../../unit/support/aws-sdk-matchers.js';
import {
  CloudWatchClient,
  GetMetricDataCommand,
  type GetMetricDataCommandOutput,
} from '@aws-sdk/client-cloudwatch';
import { DBInstanceNotFoundFault, DescribeDBInstancesCommand, RDSClient } from '@aws-sdk/client-rds';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { setClientInterceptor } from '../../../functions/common/aws-clients.js';
import {
  ReplicaLagExceededError,
  ReplicaLagUnknownError,
  ReplicaNotFoundError,
} from '../../../functions/common/errors.js';
import type { DatabasePlan } from '../../../functions/common/plan.js';
import type { LagCheck } from '../../../functions/kinds/rds-replica/types.js';
import { readReplicaLag } from '../../../functions/kinds/rds-replica/replica-lag.js';
import {
  describeDBInstancesOutput,
  replicaInstance,
  standaloneInstance,
} from '../../fixtures/aws-fixtures.js';
import { examplePlan } from '../../fixtures/plans.js';

const rds = mockClient(RDSClient);
const cloudWatch = mockClient(CloudWatchClient);

const NOW = new Date('2026-11-24T09:02:00.000Z');
const REGION = 'us-west-2';
/** The example plan's database: maxLagSeconds 30, lagWaitSeconds 120, onLagExceeded abort. */
const mainDatabase = (): DatabasePlan => {
  const [database] = examplePlan().databases;
  if (database === undefined) throw new Error('the example plan has no database');
  return database;
};
const FIRST: LagCheck = { checks: 0 };

/** A check that began `seconds` before NOW. */
const startedAgo = (seconds: number, checks = 3): LagCheck => ({
  checks,
  firstCheckedAt: new Date(NOW.getTime() - seconds * 1000).toISOString(),
});

const lagData = (...values: number[]): GetMetricDataCommandOutput => ({
  MetricDataResults: [
    {
      Id: 'lag',
      Label: 'ReplicaLag',
      StatusCode: 'Complete',
      Values: values,
      Timestamps: values.map(() => NOW),
    },
  ],
  $metadata: {},
});

beforeEach(() => {
  setClientInterceptor(undefined);
  rds.reset();
  cloudWatch.reset();
  rds.on(DescribeDBInstancesCommand).resolves(describeDBInstancesOutput(replicaInstance('shop-db-replica')));
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(NOW);
});

afterEach(() => {
  vi.useRealTimers();
});

describe('readReplicaLag', () => {
  it.each([12, 30])('proceeds when the latest lag (%is) is within maxLagSeconds', async (lag) => {
    // Arrange
    cloudWatch.on(GetMetricDataCommand).resolves(lagData(lag, 90));

    // Act
    const check = await readReplicaLag({ database: mainDatabase(), recoveryRegion: REGION, previous: FIRST });

    // Assert
    expect(check).toEqual({
      checks: 1,
      firstCheckedAt: NOW.toISOString(),
      checkedAt: NOW.toISOString(),
      replica: 'shop-db-replica',
      maxLagSeconds: 30,
      lagSeconds: lag,
      decision: 'proceed',
      message: `shop-db-replica lag ${lag}s is within 30s`,
    });
  });

  it("reads the latest ReplicaLag maximum of the last five minutes in the replica's region", async () => {
    // Arrange
    cloudWatch.on(GetMetricDataCommand).resolves(lagData(3));

    // Act
    await readReplicaLag({ database: mainDatabase(), recoveryRegion: REGION, previous: FIRST });

    // Assert
    expect(rds).toHaveReceivedCommandWith(DescribeDBInstancesCommand, {
      DBInstanceIdentifier: 'shop-db-replica',
    });
    expect(cloudWatch).toHaveReceivedCommandExactlyOnceWith(GetMetricDataCommand, {
      StartTime: new Date(NOW.getTime() - 300_000),
      EndTime: NOW,
      ScanBy: 'TimestampDescending',
      MetricDataQueries: [
        {
          Id: 'lag',
          ReturnData: true,
          MetricStat: {
            Metric: {
              Namespace: 'AWS/RDS',
              MetricName: 'ReplicaLag',
              Dimensions: [{ Name: 'DBInstanceIdentifier', Value: 'shop-db-replica' }],
            },
            Period: 60,
            Stat: 'Maximum',
          },
        },
      ],
    });
    const client = cloudWatch.call(0).thisValue as CloudWatchClient;
    await expect(client.config.region()).resolves.toBe(REGION);
  });

  it('asks to wait when the lag is above the threshold on the first check', async () => {
    // Arrange
    cloudWatch.on(GetMetricDataCommand).resolves(lagData(45));

    // Act
    const check = await readReplicaLag({ database: mainDatabase(), recoveryRegion: REGION, previous: FIRST });

    // Assert
    expect(check).toMatchObject({
      checks: 1,
      lagSeconds: 45,
      decision: 'wait',
      waitSeconds: 20,
      message: 'shop-db-replica lag 45s is above 30s: waiting',
    });
  });

  it.each([
    [0, 20],
    [100, 20],
    [110, 10],
    [119.5, 1],
  ])('after %is of lagWaitSeconds 120 waits %is, never past the window', async (elapsed, waitSeconds) => {
    // Arrange
    cloudWatch.on(GetMetricDataCommand).resolves(lagData(45));
    const previous = startedAgo(elapsed);

    // Act
    const check = await readReplicaLag({ database: mainDatabase(), recoveryRegion: REGION, previous });

    // Assert
    expect(check).toMatchObject({
      checks: 4,
      firstCheckedAt: previous.firstCheckedAt,
      decision: 'wait',
      waitSeconds,
    });
  });

  it('throws ReplicaLagExceededError after lagWaitSeconds when the policy is abort', async () => {
    // Arrange
    cloudWatch.on(GetMetricDataCommand).resolves(lagData(45));

    // Act
    const check = readReplicaLag({
      database: mainDatabase(),
      recoveryRegion: REGION,
      previous: startedAgo(120),
    });

    // Assert
    await expect(check).rejects.toThrow(ReplicaLagExceededError);
    await expect(check).rejects.toThrow(
      'shop-db-replica lag 45s is above 30s after waiting 120s (lagWaitSeconds 120); onLagExceeded is abort, so nothing was promoted',
    );
  });

  it('proceeds over the threshold after lagWaitSeconds when the policy is promote, stating the data-loss window', async () => {
    // Arrange
    cloudWatch.on(GetMetricDataCommand).resolves(lagData(45));
    const database: DatabasePlan = { ...mainDatabase(), onLagExceeded: 'promote' };

    // Act
    const check = await readReplicaLag({ database, recoveryRegion: REGION, previous: startedAgo(121) });

    // Assert
    expect(check).toMatchObject({
      decision: 'proceed',
      lagSeconds: 45,
      promotedOverThreshold: true,
      message:
        'shop-db-replica lag 45s is above 30s after 121s; promoting anyway (onLagExceeded: promote). Estimated data-loss window: about 45s of writes',
    });
    expect(check).not.toHaveProperty('waitSeconds');
  });

  describe('when ReplicaLag has no datapoint', () => {
    beforeEach(() => {
      cloudWatch
        .on(GetMetricDataCommand)
        .resolves({ MetricDataResults: [{ Id: 'lag', Values: [], Timestamps: [] }], $metadata: {} });
    });

    it('waits while the lag wait lasts', async () => {
      // Act
      const check = await readReplicaLag({
        database: mainDatabase(),
        recoveryRegion: REGION,
        previous: FIRST,
      });

      // Assert
      expect(check).toMatchObject({
        lagSeconds: null,
        decision: 'wait',
        message: 'shop-db-replica has no ReplicaLag datapoint: waiting',
      });
    });

    it('then throws ReplicaLagUnknownError when the policy is abort', async () => {
      // Act
      const check = readReplicaLag({
        database: mainDatabase(),
        recoveryRegion: REGION,
        previous: startedAgo(180),
      });

      // Assert
      await expect(check).rejects.toThrow(ReplicaLagUnknownError);
      await expect(check).rejects.toThrow('has no ReplicaLag datapoint after waiting 180s');
    });

    it('then proceeds with an unknown data-loss window when the policy is promote', async () => {
      // Arrange
      const database: DatabasePlan = { ...mainDatabase(), onLagExceeded: 'promote' };

      // Act
      const check = await readReplicaLag({ database, recoveryRegion: REGION, previous: startedAgo(180) });

      // Assert
      expect(check).toMatchObject({ decision: 'proceed', lagSeconds: null, promotedOverThreshold: true });
      expect(check.message).toContain('Estimated data-loss window: unknown (no lag datapoint)');
    });
  });

  it('treats a response without the lag series like no datapoint', async () => {
    // Arrange
    cloudWatch.on(GetMetricDataCommand).resolves({ $metadata: {} });

    // Act
    const check = await readReplicaLag({ database: mainDatabase(), recoveryRegion: REGION, previous: FIRST });

    // Assert
    expect(check).toMatchObject({ lagSeconds: null, decision: 'wait' });
  });

  it('proceeds without reading lag when the replica is already standalone', async () => {
    // Arrange
    rds
      .on(DescribeDBInstancesCommand)
      .resolves(describeDBInstancesOutput(standaloneInstance('shop-db-replica')));

    // Act
    const check = await readReplicaLag({ database: mainDatabase(), recoveryRegion: REGION, previous: FIRST });

    // Assert
    expect(check).toMatchObject({
      lagSeconds: null,
      decision: 'proceed',
      message: 'shop-db-replica is already standalone (promoted earlier): no replication lag to gate on',
    });
    expect(cloudWatch).not.toHaveReceivedAnyCommand();
  });

  it('throws ReplicaNotFoundError, keeping the SDK error as cause, when RDS answers DBInstanceNotFoundFault', async () => {
    // Arrange
    const notFound = new DBInstanceNotFoundFault({
      message: 'DBInstance shop-db-replica not found.',
      $metadata: { httpStatusCode: 404 },
    });
    rds.on(DescribeDBInstancesCommand).rejects(notFound);

    // Act
    const check = readReplicaLag({ database: mainDatabase(), recoveryRegion: REGION, previous: FIRST });

    // Assert
    await expect(check).rejects.toMatchObject({
      name: 'ReplicaNotFoundError',
      message: 'DB instance shop-db-replica not found in us-west-2',
      cause: notFound,
    });
    expect(cloudWatch).not.toHaveReceivedAnyCommand();
  });

  it('throws ReplicaNotFoundError when RDS answers with no instance', async () => {
    // Arrange
    rds.on(DescribeDBInstancesCommand).resolves(describeDBInstancesOutput());

    // Act
    const check = readReplicaLag({ database: mainDatabase(), recoveryRegion: REGION, previous: FIRST });

    // Assert
    await expect(check).rejects.toThrow(ReplicaNotFoundError);
  });
});
