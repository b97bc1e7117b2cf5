import '../../unit/support/aws-sdk-matchers.js';
import {
  DBInstanceNotFoundFault,
  DescribeDBInstancesCommand,
  InvalidDBInstanceStateFault,
  PromoteReadReplicaCommand,
  RDSClient,
  RDSServiceException,
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
import type { PromoteReplicaInput, Promotion } from '../../../functions/kinds/rds-replica/types.js';
import {
  NOT_PROMOTABLE_POLL_SECONDS,
  PROMOTION_POLL_SECONDS,
  promoteReplica,
} from '../../../functions/kinds/rds-replica/promote-replica.js';
import {
  describeDBInstancesOutput,
  promoteReadReplicaOutput,
  replicaInstance,
  standaloneInstance,
} from '../../fixtures/aws-fixtures.js';
import { examplePlan } from '../../fixtures/plans.js';

const rds = mockClient(RDSClient);
const NOW = new Date('2026-11-24T09:05:00.000Z');
const REPLICA = 'shop-db-replica';
const ENDPOINT = { address: 'shop-db-replica.abcdefgh0ijk.us-west-2.rds.amazonaws.com', port: 1521 };

/** The example plan's database: promotionTimeoutSeconds 1800. */
const mainDatabase = (): DatabasePlan => {
  const [database] = examplePlan().databases;
  if (database === undefined) throw new Error('the example plan has no database');
  return database;
};

const firstAttempt = (dryRun = false): PromoteReplicaInput => ({
  database: mainDatabase(),
  recoveryRegion: 'us-west-2',
  dryRun,
  previous: { status: 'not-started' },
});

const secondsAgo = (seconds: number): string => new Date(NOW.getTime() - seconds * 1000).toISOString();

const describesAs = (...instances: Parameters<typeof replicaInstance>[1][]) => {
  const stub = rds.on(DescribeDBInstancesCommand);
  for (const overrides of instances)
    stub.resolvesOnce(describeDBInstancesOutput(replicaInstance(REPLICA, overrides)));
};

const invalidState = () =>
  new InvalidDBInstanceStateFault({
    message: 'DB Instance is not a read replica.',
    $metadata: { httpStatusCode: 400 },
  });

beforeEach(() => {
  setClientInterceptor(undefined);
  rds.reset();
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(NOW);
});

afterEach(() => {
  vi.useRealTimers();
});

describe('promoteReplica', () => {
  it('calls PromoteReadReplica once on an available replica and reports it promoting', async () => {
    // Arrange
    rds.on(DescribeDBInstancesCommand).resolves(describeDBInstancesOutput(replicaInstance(REPLICA)));
    rds.on(PromoteReadReplicaCommand).resolves(promoteReadReplicaOutput());

    // Act
    const promotion = await promoteReplica(firstAttempt());

    // Assert
    expect(rds).toHaveReceivedCommandExactlyOnceWith(PromoteReadReplicaCommand, {
      DBInstanceIdentifier: REPLICA,
    });
    expect(promotion).toEqual({
      status: 'promoting',
      instanceId: REPLICA,
      instanceStatus: 'modifying',
      startedAt: NOW.toISOString(),
      pollSeconds: PROMOTION_POLL_SECONDS,
      dryRun: false,
      message: `PromoteReadReplica accepted for ${REPLICA}`,
    });
  });

  it('succeeds without calling PromoteReadReplica when the replica was already promoted', async () => {
    // Arrange
    rds.on(DescribeDBInstancesCommand).resolves(describeDBInstancesOutput(standaloneInstance(REPLICA)));

    // Act
    const promotion = await promoteReplica(firstAttempt());

    // Assert
    expect(rds).not.toHaveReceivedCommand(PromoteReadReplicaCommand);
    expect(promotion).toEqual({
      status: 'promoted',
      instanceId: REPLICA,
      instanceStatus: 'available',
      startedAt: NOW.toISOString(),
      promotedAt: NOW.toISOString(),
      pollSeconds: PROMOTION_POLL_SECONDS,
      endpoint: ENDPOINT,
      alreadyPromoted: true,
      dryRun: false,
      message: `${REPLICA} was already standalone and available: nothing to promote`,
    });
  });

  it.each(['modifying', 'rebooting'])(
    'keeps polling without a call when the instance is already standalone and %s',
    async (status) => {
      // Arrange
      rds
        .on(DescribeDBInstancesCommand)
        .resolves(describeDBInstancesOutput(standaloneInstance(REPLICA, { DBInstanceStatus: status })));

      // Act
      const promotion = await promoteReplica(firstAttempt());

      // Assert
      expect(rds).not.toHaveReceivedCommand(PromoteReadReplicaCommand);
      expect(promotion).toMatchObject({
        status: 'promoting',
        instanceStatus: status,
        startedAt: NOW.toISOString(),
        message: `${REPLICA} is already standalone and ${status}: waiting for it to become available`,
      });
    },
  );

  describe('when the replica is not promotable yet', () => {
    it('waits without a call while it is backing-up', async () => {
      // Arrange
      describesAs({ DBInstanceStatus: 'backing-up' });

      // Act
      const promotion = await promoteReplica(firstAttempt());

      // Assert
      expect(rds).not.toHaveReceivedCommand(PromoteReadReplicaCommand);
      expect(promotion).toEqual({
        status: 'waiting-to-promote',
        instanceId: REPLICA,
        instanceStatus: 'backing-up',
        waitingSince: NOW.toISOString(),
        pollSeconds: NOT_PROMOTABLE_POLL_SECONDS,
        dryRun: false,
        message: `${REPLICA} is backing-up; RDS cannot promote it yet: waiting`,
      });
    });

    it('keeps the time it started waiting across attempts', async () => {
      // Arrange
      describesAs({ DBInstanceStatus: 'backing-up' });
      const previous: Promotion = {
        status: 'waiting-to-promote',
        instanceId: REPLICA,
        instanceStatus: 'backing-up',
        waitingSince: secondsAgo(1_800),
        pollSeconds: NOT_PROMOTABLE_POLL_SECONDS,
        dryRun: false,
        message: 'waiting',
      };

      // Act
      const promotion = await promoteReplica({ ...firstAttempt(), previous });

      // Assert
      expect(promotion).toMatchObject({ status: 'waiting-to-promote', waitingSince: secondsAgo(1_800) });
    });

    it('throws PromotionTimeoutError when it waited longer than promotionTimeoutSeconds', async () => {
      // Arrange
      describesAs({ DBInstanceStatus: 'backing-up' });
      const previous: Promotion = {
        status: 'waiting-to-promote',
        instanceId: REPLICA,
        instanceStatus: 'backing-up',
        waitingSince: secondsAgo(1_801),
        pollSeconds: NOT_PROMOTABLE_POLL_SECONDS,
        dryRun: false,
        message: 'waiting',
      };

      // Act
      const promotion = promoteReplica({ ...firstAttempt(), previous });

      // Assert
      await expect(promotion).rejects.toThrow(PromotionTimeoutError);
      await expect(promotion).rejects.toThrow(
        `${REPLICA} stayed backing-up (not promotable) for more than 1800s`,
      );
      expect(rds).not.toHaveReceivedCommand(PromoteReadReplicaCommand);
    });

    it('promotes once the replica it waited for is available', async () => {
      // Arrange
      describesAs({});
      rds.on(PromoteReadReplicaCommand).resolves(promoteReadReplicaOutput());
      const previous: Promotion = {
        status: 'waiting-to-promote',
        instanceId: REPLICA,
        instanceStatus: 'backing-up',
        waitingSince: secondsAgo(90),
        pollSeconds: NOT_PROMOTABLE_POLL_SECONDS,
        dryRun: false,
        message: 'waiting',
      };

      // Act
      const promotion = await promoteReplica({ ...firstAttempt(), previous });

      // Assert
      expect(promotion.status).toBe('promoting');
      expect(rds).toHaveReceivedCommandTimes(PromoteReadReplicaCommand, 1);
    });
  });

  describe('when PromoteReadReplica answers InvalidDBInstanceStateFault', () => {
    it.each([
      ['standalone and modifying', { DBInstanceStatus: 'modifying' }, 'promoting'],
      ['standalone and available', {}, 'promoted'],
    ] as const)(
      'succeeds when a re-describe shows the instance %s (a promotion raced this one)',
      async (_case, overrides, status) => {
        // Arrange
        rds
          .on(DescribeDBInstancesCommand)
          .resolvesOnce(describeDBInstancesOutput(replicaInstance(REPLICA)))
          .resolves(describeDBInstancesOutput(standaloneInstance(REPLICA, overrides)));
        rds.on(PromoteReadReplicaCommand).rejects(invalidState());

        // Act
        const promotion = await promoteReplica(firstAttempt());

        // Assert
        expect(promotion.status).toBe(status);
        expect(rds).toHaveReceivedCommandTimes(DescribeDBInstancesCommand, 2);
        expect(rds).toHaveReceivedCommandTimes(PromoteReadReplicaCommand, 1);
      },
    );

    it('waits when the re-describe shows the replica busy', async () => {
      // Arrange
      describesAs({}, { DBInstanceStatus: 'backing-up' });
      rds.on(PromoteReadReplicaCommand).rejects(invalidState());

      // Act
      const promotion = await promoteReplica(firstAttempt());

      // Assert
      expect(promotion).toMatchObject({ status: 'waiting-to-promote', instanceStatus: 'backing-up' });
    });

    it('waits and tries again when RDS refuses although the describe still shows an available replica', async () => {
      // Arrange
      describesAs({}, {});
      rds.on(PromoteReadReplicaCommand).rejects(invalidState());

      // Act
      const promotion = await promoteReplica(firstAttempt());

      // Assert
      expect(promotion).toMatchObject({ status: 'waiting-to-promote', instanceStatus: 'available' });
      expect(promotion.waitingSince).toBeDefined();
    });

    it('throws PromotionFailedError, keeping the SDK error as cause, once RDS has refused for longer than the timeout', async () => {
      // Arrange
      describesAs({}, {});
      const refusal = invalidState();
      rds.on(PromoteReadReplicaCommand).rejects(refusal);
      const previous = {
        status: 'waiting-to-promote',
        instanceId: mainDatabase().replica,
        instanceStatus: 'available',
        waitingSince: secondsAgo(1801),
        pollSeconds: 30,
        dryRun: false,
        message: 'RDS refused to promote: waiting',
      } as const;

      // Act
      const promotion = promoteReplica({ ...firstAttempt(), previous });

      // Assert
      await expect(promotion).rejects.toMatchObject({ name: 'PromotionFailedError', cause: refusal });
      await expect(promotion).rejects.toThrow(/kept refusing to promote/);
    });
  });

  it('lets other SDK errors through with their own name, for the ASL to retry', async () => {
    // Arrange
    describesAs({});
    const throttling = new RDSServiceException({
      name: 'Throttling',
      $fault: 'client',
      message: 'Rate exceeded',
      $metadata: { httpStatusCode: 400 },
    });
    rds.on(PromoteReadReplicaCommand).rejects(throttling);

    // Act
    const promotion = promoteReplica(firstAttempt());

    // Assert
    await expect(promotion).rejects.toBe(throttling);
    expect(rds).toHaveReceivedCommandTimes(DescribeDBInstancesCommand, 1);
  });

  it.each(['failed', 'storage-full', 'incompatible-parameters', 'stopped', 'deleting'])(
    'throws PromotionFailedError without a call for a replica that is %s',
    async (status) => {
      // Arrange
      describesAs({ DBInstanceStatus: status });

      // Act
      const promotion = promoteReplica(firstAttempt());

      // Assert
      await expect(promotion).rejects.toThrow(
        new PromotionFailedError(`${REPLICA} is ${status} and cannot be promoted`),
      );
      expect(rds).not.toHaveReceivedCommand(PromoteReadReplicaCommand);
    },
  );

  it('throws ReplicaNotFoundError when the replica does not exist', async () => {
    // Arrange
    rds.on(DescribeDBInstancesCommand).rejects(
      new DBInstanceNotFoundFault({
        message: `DBInstance ${REPLICA} not found.`,
        $metadata: { httpStatusCode: 404 },
      }),
    );

    // Act
    const promotion = promoteReplica(firstAttempt());

    // Assert
    await expect(promotion).rejects.toThrow(ReplicaNotFoundError);
    expect(rds).not.toHaveReceivedCommand(PromoteReadReplicaCommand);
  });

  describe('in a dry run', () => {
    it('reports what it would do on an available replica and calls nothing that mutates', async () => {
      // Arrange
      describesAs({});

      // Act
      const promotion = await promoteReplica(firstAttempt(true));

      // Assert
      expect(rds).not.toHaveReceivedCommand(PromoteReadReplicaCommand);
      expect(promotion).toMatchObject({
        status: 'promoted',
        dryRun: true,
        alreadyPromoted: false,
        endpoint: ENDPOINT,
        message: `dry run: would call PromoteReadReplica on ${REPLICA}`,
      });
    });

    it('calls nothing that mutates for a replica that is already standalone', async () => {
      // Arrange
      rds.on(DescribeDBInstancesCommand).resolves(describeDBInstancesOutput(standaloneInstance(REPLICA)));

      // Act
      const promotion = await promoteReplica(firstAttempt(true));

      // Assert
      expect(rds).not.toHaveReceivedCommand(PromoteReadReplicaCommand);
      expect(promotion).toMatchObject({ status: 'promoted', dryRun: true });
    });
  });
});
