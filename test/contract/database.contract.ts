import { PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import {
  CreateDBInstanceCommand,
  CreateDBInstanceReadReplicaCommand,
  DescribeDBInstancesCommand,
  StartDBInstanceCommand,
  StopDBInstanceCommand,
} from '@aws-sdk/client-rds';
import { beforeAll, describe, expect, it } from 'vitest';
import type { DatabasePlan, PlanInput } from '../../functions/common/plan.js';
import { checkPromotion } from '../../functions/kinds/rds-replica/check-promotion.js';
import { promoteReplica } from '../../functions/kinds/rds-replica/promote-replica.js';
import { describeInstance, endpointOf, isReplica } from '../../functions/kinds/rds-replica/rds.js';
import { readReplicaLag } from '../../functions/kinds/rds-replica/replica-lag.js';
import type { Promotion } from '../../functions/kinds/rds-replica/types.js';
import { expectStepCommandsSentToMoto, stepCalls } from './step-calls.js';
import {
  arrange,
  contractPlan,
  motoEndpoint,
  POSTGRES_INSTANCE,
  PRIMARY,
  RECOVERY,
  rejectionOf,
} from './support.js';

/**
 * readReplicaLag, promoteReplica and checkPromotion over HTTP against moto: a source instance in
 * the primary region, cross-region read replicas of it in the recovery region.
 */

const SOURCE = 'contract-db-source';
let sourceArn = '';
let created = 0;

type DatabaseInput = NonNullable<PlanInput['databases']>[number];

/** The plan's database `main`, backed by `replica`. */
function databasePlan(replica: string, overrides: Partial<DatabaseInput> = {}): DatabasePlan {
  const plan = contractPlan((document) => {
    document.databases = [{ id: 'main', replica, maxLagSeconds: 30, lagWaitSeconds: 120, ...overrides }];
  });
  const database = plan.databases[0];
  if (database === undefined) throw new Error('the contract plan has no database');
  return database;
}

/** A fresh cross-region read replica of SOURCE (each test that promotes gets its own). */
async function createReplica(): Promise<string> {
  created += 1;
  const id = `contract-db-replica-${created}`;
  await arrange.rds(RECOVERY).send(
    new CreateDBInstanceReadReplicaCommand({
      DBInstanceIdentifier: id,
      // A cross-region replica names its source by ARN; from that the SDK adds the PreSignedUrl.
      SourceDBInstanceIdentifier: sourceArn,
      DBInstanceClass: 'db.t3.micro',
    }),
  );
  return id;
}

/** A standalone instance in the recovery region: what a finished promotion leaves behind. */
async function createStandalone(): Promise<string> {
  created += 1;
  const id = `contract-db-standalone-${created}`;
  await arrange.rds(RECOVERY).send(
    new CreateDBInstanceCommand({
      DBInstanceIdentifier: id,
      ...POSTGRES_INSTANCE,
    }),
  );
  return id;
}

async function putReplicaLag(
  replica: string,
  points: readonly { secondsAgo: number; lag: number }[],
): Promise<void> {
  await arrange.cloudWatch(RECOVERY).send(
    new PutMetricDataCommand({
      Namespace: 'AWS/RDS',
      MetricData: points.map(({ secondsAgo, lag }) => ({
        MetricName: 'ReplicaLag',
        Dimensions: [{ Name: 'DBInstanceIdentifier', Value: replica }],
        Timestamp: new Date(Date.now() - secondsAgo * 1000),
        Value: lag,
        Unit: 'Seconds',
      })),
    }),
  );
}

const promoteCalls = (): number =>
  stepCalls.filter((call) => call.command === 'PromoteReadReplicaCommand').length;
const minutesAgo = (minutes: number): string => new Date(Date.now() - minutes * 60_000).toISOString();

function promotionStarted(replica: string, startedAt: string): Promotion {
  return {
    status: 'promoting',
    instanceId: replica,
    instanceStatus: 'modifying',
    startedAt,
    pollSeconds: 15,
    dryRun: false,
    message: 'PromoteReadReplica accepted',
  };
}

beforeAll(async () => {
  const { DBInstance: source } = await arrange.rds(PRIMARY).send(
    new CreateDBInstanceCommand({
      DBInstanceIdentifier: SOURCE,
      ...POSTGRES_INSTANCE,
      BackupRetentionPeriod: 7,
    }),
  );
  sourceArn = source?.DBInstanceArn ?? '';
  expect(sourceArn).toMatch(/^arn:aws:rds:us-east-1:\d{12}:db:contract-db-source$/);
});

describe('a cross-region read replica in moto', () => {
  it('is described in the recovery region as a replica of the source ARN', async () => {
    // Arrange
    const replica = await createReplica();

    // Act
    const instance = await describeInstance(RECOVERY, replica);

    // Assert: AWS shows a new replica `creating` for many minutes; moto makes it `available` at once.
    // (moto also copies the source's AvailabilityZone, us-east-1a, into the replica.)
    expect(isReplica(instance)).toBe(true);
    expect(instance.ReadReplicaSourceDBInstanceIdentifier).toBe(sourceArn);
    expect(instance.DBInstanceArn).toMatch(new RegExp(`^arn:aws:rds:${RECOVERY}:\\d{12}:db:${replica}$`));
    expect(instance.DBInstanceStatus).toBe('available');
    expect(endpointOf(instance)).toEqual({ address: expect.stringContaining(`${replica}.`), port: 5432 });
  });
});

describe('readReplicaLag', () => {
  it('waits while the replica has no ReplicaLag datapoint and lagWaitSeconds has not passed', async () => {
    // Arrange: moto, like a replica whose replication broke, has no ReplicaLag datapoints.
    const replica = await createReplica();

    // Act
    const check = await readReplicaLag({
      database: databasePlan(replica),
      recoveryRegion: RECOVERY,
      previous: { checks: 0 },
    });

    // Assert
    expect(check).toMatchObject({ decision: 'wait', lagSeconds: null, checks: 1, waitSeconds: 20 });
    expect(check.message).toContain('has no ReplicaLag datapoint');
  });

  it('aborts with ReplicaLagUnknownError when there is still no datapoint after lagWaitSeconds', async () => {
    // Arrange
    const replica = await createReplica();

    // Act
    const error = await rejectionOf(
      readReplicaLag({
        database: databasePlan(replica, { onLagExceeded: 'abort' }),
        recoveryRegion: RECOVERY,
        previous: { checks: 7, firstCheckedAt: minutesAgo(3) },
      }),
    );

    // Assert
    expect(error.name).toBe('ReplicaLagUnknownError');
    expect(error.message).toContain('nothing was promoted');
  });

  it('passes the gate with an unknown data-loss window when the policy is promote', async () => {
    // Arrange
    const replica = await createReplica();

    // Act
    const check = await readReplicaLag({
      database: databasePlan(replica, { onLagExceeded: 'promote' }),
      recoveryRegion: RECOVERY,
      previous: { checks: 7, firstCheckedAt: minutesAgo(3) },
    });

    // Assert
    expect(check).toMatchObject({ decision: 'proceed', lagSeconds: null, promotedOverThreshold: true });
    expect(check.message).toContain('Estimated data-loss window: unknown');
  });

  it('reads the latest ReplicaLag datapoint, not the largest, and proceeds when it is within maxLagSeconds', async () => {
    // Arrange
    const replica = await createReplica();
    await putReplicaLag(replica, [
      { secondsAgo: 150, lag: 45 },
      { secondsAgo: 20, lag: 4 },
    ]);

    // Act
    const check = await readReplicaLag({
      database: databasePlan(replica),
      recoveryRegion: RECOVERY,
      previous: { checks: 0 },
    });

    // Assert
    expect(check).toMatchObject({ decision: 'proceed', lagSeconds: 4, maxLagSeconds: 30 });
  });

  it('aborts with ReplicaLagExceededError when the lag is still above maxLagSeconds after lagWaitSeconds', async () => {
    // Arrange
    const replica = await createReplica();
    await putReplicaLag(replica, [{ secondsAgo: 20, lag: 45 }]);

    // Act
    const error = await rejectionOf(
      readReplicaLag({
        database: databasePlan(replica),
        recoveryRegion: RECOVERY,
        previous: { checks: 7, firstCheckedAt: minutesAgo(3) },
      }),
    );

    // Assert
    expect(error.name).toBe('ReplicaLagExceededError');
    expect(error.message).toContain('lag 45s is above 30s');
  });

  it('proceeds without reading lag when the instance is already standalone', async () => {
    // Arrange
    const standalone = await createStandalone();

    // Act
    const check = await readReplicaLag({
      database: databasePlan(standalone),
      recoveryRegion: RECOVERY,
      previous: { checks: 0 },
    });

    // Assert
    expect(check).toMatchObject({ decision: 'proceed', lagSeconds: null });
    expect(check.message).toContain('already standalone');
  });

  it('stops with ReplicaNotFoundError, from the wire error DBInstanceNotFoundFault (404), for a missing replica', async () => {
    // Act
    const error = await rejectionOf(
      readReplicaLag({
        database: databasePlan('contract-db-missing'),
        recoveryRegion: RECOVERY,
        previous: { checks: 0 },
      }),
    );

    // Assert
    expect(error.name).toBe('ReplicaNotFoundError');
    const cause = error.cause as Error & { $metadata?: { httpStatusCode?: number } };
    expect(cause.name).toBe('DBInstanceNotFoundFault');
    expect(cause.$metadata?.httpStatusCode).toBe(404);
  });
});

describe('promoteReplica', () => {
  it('calls PromoteReadReplica on an available replica and reports the promotion as started', async () => {
    // Arrange
    const replica = await createReplica();
    const callsBefore = promoteCalls();

    // Act
    const promotion = await promoteReplica({
      database: databasePlan(replica),
      recoveryRegion: RECOVERY,
      dryRun: false,
      previous: { status: 'not-started' },
    });

    // Assert: AWS answers `modifying` (aws-fixtures PromoteReadReplica response); moto `available`.
    expect(promoteCalls()).toBe(callsBefore + 1);
    expect(promotion).toMatchObject({
      status: 'promoting',
      instanceId: replica,
      instanceStatus: 'available',
      dryRun: false,
    });
    expect(promotion.startedAt).toEqual(expect.any(String));
  });

  it('promotes again on a retry, because moto keeps the source and accepts a second PromoteReadReplica', async () => {
    // Arrange
    const replica = await createReplica();
    const input = { database: databasePlan(replica), recoveryRegion: RECOVERY, dryRun: false } as const;
    const first = await promoteReplica({ ...input, previous: { status: 'not-started' } });
    const callsBefore = promoteCalls();

    // Act
    const second = await promoteReplica({ ...input, previous: first });

    // Assert: on AWS the promoted instance loses ReadReplicaSourceDBInstanceIdentifier and a second
    // PromoteReadReplica fails with InvalidDBInstanceState; moto 5.2 keeps the source and answers 200.
    const { DBInstances } = await arrange
      .rds(RECOVERY)
      .send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: replica }));
    expect(DBInstances?.[0]?.ReadReplicaSourceDBInstanceIdentifier).toBe(sourceArn);
    expect(promoteCalls()).toBe(callsBefore + 1);
    expect(second).toMatchObject({ status: 'promoting', instanceId: replica });
  });

  it('counts a standalone, available instance as already promoted and does not call PromoteReadReplica', async () => {
    // Arrange
    const standalone = await createStandalone();
    const callsBefore = promoteCalls();

    // Act
    const promotion = await promoteReplica({
      database: databasePlan(standalone),
      recoveryRegion: RECOVERY,
      dryRun: false,
      previous: { status: 'not-started' },
    });

    // Assert
    expect(promoteCalls()).toBe(callsBefore);
    expect(promotion).toMatchObject({
      status: 'promoted',
      alreadyPromoted: true,
      instanceStatus: 'available',
    });
    expect(promotion.endpoint).toEqual({ address: expect.stringContaining(`${standalone}.`), port: 5432 });
  });

  it('in a dry run describes the replica and does not promote it', async () => {
    // Arrange
    const replica = await createReplica();
    const callsBefore = promoteCalls();

    // Act
    const promotion = await promoteReplica({
      database: databasePlan(replica),
      recoveryRegion: RECOVERY,
      dryRun: true,
      previous: { status: 'not-started' },
    });

    // Assert
    expect(promoteCalls()).toBe(callsBefore);
    expect(promotion).toMatchObject({ status: 'promoted', dryRun: true, alreadyPromoted: false });
    expect(promotion.message).toContain('dry run: would call PromoteReadReplica');
  });

  it('stops with ReplicaNotFoundError before calling PromoteReadReplica when the replica is missing', async () => {
    // Arrange: moto answers PromoteReadReplica of a missing instance with an HTML 500 page (AWS: 404
    // DBInstanceNotFound), so only the step's describe-first order gives a named error here.
    const callsBefore = promoteCalls();

    // Act
    const error = await rejectionOf(
      promoteReplica({
        database: databasePlan('contract-db-missing'),
        recoveryRegion: RECOVERY,
        dryRun: false,
        previous: { status: 'not-started' },
      }),
    );

    // Assert
    expect(error.name).toBe('ReplicaNotFoundError');
    expect(promoteCalls()).toBe(callsBefore);
  });
});

describe('checkPromotion', () => {
  it('keeps polling while the promoted instance still names its source, which in moto is forever', async () => {
    // Arrange: AWS clears the source within minutes (modifying → rebooting → available); moto never does.
    const replica = await createReplica();
    const started = await promoteReplica({
      database: databasePlan(replica),
      recoveryRegion: RECOVERY,
      dryRun: false,
      previous: { status: 'not-started' },
    });

    // Act
    const promotion = await checkPromotion({
      database: databasePlan(replica),
      recoveryRegion: RECOVERY,
      promotion: started,
    });

    // Assert
    expect(promotion).toMatchObject({ status: 'promoting', instanceStatus: 'available' });
    expect(promotion.endpoint).toBeUndefined();
  });

  it('reports the promotion done, with the endpoint, once the instance is standalone and available', async () => {
    // Arrange
    const standalone = await createStandalone();

    // Act
    const promotion = await checkPromotion({
      database: databasePlan(standalone),
      recoveryRegion: RECOVERY,
      promotion: promotionStarted(standalone, minutesAgo(5)),
    });

    // Assert
    expect(promotion).toMatchObject({ status: 'promoted', instanceStatus: 'available' });
    expect(promotion.endpoint).toEqual({ address: expect.stringContaining(`${standalone}.`), port: 5432 });
  });

  it('fails with PromotionFailedError when the instance went stopped', async () => {
    // Arrange
    const standalone = await createStandalone();
    await arrange.rds(RECOVERY).send(new StopDBInstanceCommand({ DBInstanceIdentifier: standalone }));

    // Act
    const error = await rejectionOf(
      checkPromotion({
        database: databasePlan(standalone),
        recoveryRegion: RECOVERY,
        promotion: promotionStarted(standalone, minutesAgo(5)),
      }),
    );

    // Assert
    expect(error.name).toBe('PromotionFailedError');
    expect(error.message).toContain('went stopped');
  });

  it('fails with PromotionTimeoutError when the instance is still a replica after promotionTimeoutSeconds', async () => {
    // Arrange
    const replica = await createReplica();

    // Act
    const error = await rejectionOf(
      checkPromotion({
        database: databasePlan(replica, { promotionTimeoutSeconds: 600 }),
        recoveryRegion: RECOVERY,
        promotion: promotionStarted(replica, minutesAgo(11)),
      }),
    );

    // Assert
    expect(error.name).toBe('PromotionTimeoutError');
  });

  it('fails with ReplicaNotFoundError when the instance is gone', async () => {
    // Act
    const error = await rejectionOf(
      checkPromotion({
        database: databasePlan('contract-db-missing'),
        recoveryRegion: RECOVERY,
        promotion: promotionStarted('contract-db-missing', minutesAgo(1)),
      }),
    );

    // Assert
    expect(error.name).toBe('ReplicaNotFoundError');
  });
});

describe('RDS errors as the SDK reads them from moto', () => {
  it('names the wire code InvalidDBInstanceState InvalidDBInstanceStateFault, as promoteReplica expects', async () => {
    // Arrange: moto does not refuse a second promotion, but refuses to start an available instance.
    const standalone = await createStandalone();

    // Act
    const error = await rejectionOf(
      arrange.rds(RECOVERY).send(new StartDBInstanceCommand({ DBInstanceIdentifier: standalone })),
    );

    // Assert
    expect(error.name).toBe('InvalidDBInstanceStateFault');
    expect(error.$metadata?.httpStatusCode).toBe(400);
  });
});

describe('the database steps over HTTP', () => {
  it('sent DescribeDBInstances, PromoteReadReplica and GetMetricData to the moto server only', () => {
    expectStepCommandsSentToMoto('database', motoEndpoint());
  });
});
