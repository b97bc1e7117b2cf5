import '../../unit/support/aws-sdk-matchers.js';
import {
  DBInstanceNotFoundFault,
  DescribeDBInstancesCommand,
  RDSClient,
  type DBInstance,
} from '@aws-sdk/client-rds';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { setClientInterceptor } from '../../../functions/common/aws-clients.js';
import {
  PromotionFailedError,
  PromotionTimeoutError,
  ReplicaNotFoundError,
} from '../../../functions/common/errors.js';
import type { DatabasePlan } from '../../../functions/common/plan.js';
import type { CheckPromotionInput, Promotion } from '../../../functions/kinds/rds-replica/types.js';
import { checkPromotion } from '../../../functions/kinds/rds-replica/check-promotion.js';
import {
  describeDBInstancesOutput,
  promoteReadReplicaOutput,
  replicaInstance,
  standaloneInstance,
} from '../../fixtures/aws-fixtures.js';
import { examplePlan } from '../../fixtures/plans.js';

const rds = mockClient(RDSClient);
const NOW = new Date('2026-11-24T09:10:00.000Z');
const REPLICA = 'shop-db-replica';

/** The example plan's database: promotionTimeoutSeconds 1800. */
const mainDatabase = (): DatabasePlan => {
  const [database] = examplePlan().databases;
  if (database === undefined) throw new Error('the example plan has no database');
  return database;
};

/** What promote-replica returned `secondsAgo` before NOW. */
const promotingSince = (secondsAgo: number): Promotion => ({
  status: 'promoting',
  instanceId: REPLICA,
  instanceStatus: 'modifying',
  startedAt: new Date(NOW.getTime() - secondsAgo * 1000).toISOString(),
  pollSeconds: 15,
  dryRun: false,
  message: `PromoteReadReplica accepted for ${REPLICA}`,
});

const check = (promotion: Promotion): CheckPromotionInput => ({
  database: mainDatabase(),
  recoveryRegion: 'us-west-2',
  promotion,
});

const describesAs = (instance: DBInstance) =>
  rds.on(DescribeDBInstancesCommand).resolves(describeDBInstancesOutput(instance));

/**
 * The instance right after PromoteReadReplica, as the SDK example output shows it: still
 * `modifying`, still naming its source.
 */
const justAccepted = (): DBInstance => {
  const { DBInstanceStatus, ReadReplicaSourceDBInstanceIdentifier } =
    promoteReadReplicaOutput().DBInstance ?? {};
  return replicaInstance(REPLICA, { DBInstanceStatus, ReadReplicaSourceDBInstanceIdentifier });
};

beforeEach(() => {
  setClientInterceptor(undefined);
  rds.reset();
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(NOW);
});

afterEach(() => {
  vi.useRealTimers();
});

describe('checkPromotion', () => {
  it('keeps promoting while the instance is still a modifying replica', async () => {
    // Arrange
    describesAs(justAccepted());

    // Act
    const promotion = await checkPromotion(check(promotingSince(30)));

    // Assert
    expect(promotion).toEqual({ ...promotingSince(30), message: `${REPLICA} is modifying` });
    expect(rds).toHaveReceivedCommandExactlyOnceWith(DescribeDBInstancesCommand, {
      DBInstanceIdentifier: REPLICA,
    });
  });

  it.each(['modifying', 'rebooting', 'backing-up'])(
    'keeps promoting while the standalone instance is %s',
    async (status) => {
      // Arrange
      describesAs(standaloneInstance(REPLICA, { DBInstanceStatus: status }));

      // Act
      const promotion = await checkPromotion(check(promotingSince(120)));

      // Assert
      expect(promotion).toMatchObject({ status: 'promoting', instanceStatus: status });
    },
  );

  it.each([
    { stage: 'a modifying replica', instance: () => justAccepted(), pollSeconds: 15 },
    {
      stage: 'a standalone instance still modifying',
      instance: () => standaloneInstance(REPLICA, { DBInstanceStatus: 'modifying' }),
      pollSeconds: 15,
    },
    {
      stage: 'a standalone instance rebooting (the last stage)',
      instance: () => standaloneInstance(REPLICA, { DBInstanceStatus: 'rebooting' }),
      pollSeconds: 1,
    },
  ])('looks again in $pollSeconds s at $stage', async ({ instance, pollSeconds }) => {
    // Arrange
    describesAs(instance());

    // Act
    const promotion = await checkPromotion(check(promotingSince(200)));

    // Assert
    expect(promotion).toMatchObject({ status: 'promoting', pollSeconds });
  });

  it('keeps promoting while a replica that is still available has not started promoting', async () => {
    // Arrange
    describesAs(replicaInstance(REPLICA));

    // Act
    const promotion = await checkPromotion(check(promotingSince(15)));

    // Assert
    expect(promotion).toMatchObject({ status: 'promoting', instanceStatus: 'available' });
  });

  it('reports promoted with the endpoint once the instance is standalone and available', async () => {
    // Arrange
    describesAs(standaloneInstance(REPLICA));

    // Act
    const promotion = await checkPromotion(check(promotingSince(300)));

    // Assert
    expect(promotion).toEqual({
      ...promotingSince(300),
      status: 'promoted',
      instanceStatus: 'available',
      promotedAt: NOW.toISOString(),
      endpoint: { address: 'shop-db-replica.abcdefgh0ijk.us-west-2.rds.amazonaws.com', port: 1521 },
      message: `${REPLICA} is standalone and available`,
    });
  });

  it('reports promoted even after the timeout, when the instance made it', async () => {
    // Arrange
    describesAs(standaloneInstance(REPLICA));

    // Act
    const promotion = await checkPromotion(check(promotingSince(5_000)));

    // Assert
    expect(promotion.status).toBe('promoted');
  });

  it('throws PromotionTimeoutError after promotionTimeoutSeconds', async () => {
    // Arrange
    describesAs(standaloneInstance(REPLICA, { DBInstanceStatus: 'modifying' }));

    // Act
    const promotion = checkPromotion(check(promotingSince(1_801)));

    // Assert
    await expect(promotion).rejects.toThrow(
      new PromotionTimeoutError(
        `${REPLICA} still modifying 1801s after PromoteReadReplica (promotionTimeoutSeconds 1800)`,
      ),
    );
  });

  it('does not time out at exactly promotionTimeoutSeconds', async () => {
    // Arrange
    describesAs(standaloneInstance(REPLICA, { DBInstanceStatus: 'modifying' }));

    // Act
    const promotion = await checkPromotion(check(promotingSince(1_800)));

    // Assert
    expect(promotion.status).toBe('promoting');
  });

  it.each([
    ['a standalone instance', standaloneInstance(REPLICA, { DBInstanceStatus: 'failed' }), 'failed'],
    ['a replica', replicaInstance(REPLICA, { DBInstanceStatus: 'storage-full' }), 'storage-full'],
  ])('throws PromotionFailedError when %s goes to a hopeless status', async (_case, instance, status) => {
    // Arrange
    describesAs(instance);

    // Act
    const promotion = checkPromotion(check(promotingSince(60)));

    // Assert
    await expect(promotion).rejects.toThrow(
      new PromotionFailedError(`${REPLICA} went ${status} during promotion`),
    );
  });

  it('throws ReplicaNotFoundError when the instance disappeared', async () => {
    // Arrange
    rds
      .on(DescribeDBInstancesCommand)
      .rejects(new DBInstanceNotFoundFault({ message: `DBInstance ${REPLICA} not found.`, $metadata: {} }));

    // Act
    const promotion = checkPromotion(check(promotingSince(60)));

    // Assert
    await expect(promotion).rejects.toThrow(ReplicaNotFoundError);
  });
});
