import '../../unit/support/aws-sdk-matchers.js';
import {
  DBSnapshotAlreadyExistsFault,
  DescribeDBInstancesCommand,
  DescribeDBSnapshotsCommand,
  InvalidDBInstanceStateFault,
  RDSClient,
  StopDBInstanceCommand,
  type DBInstance,
} from '@aws-sdk/client-rds';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { setClientInterceptor } from '../../../functions/common/aws-clients.js';
import type { FencedResource } from '../../../functions/common/fencing-record.js';
import { fenceDatabase, finalSnapshotId } from '../../../functions/kinds/rds-replica/fence.js';

/**
 * The RDS kind's fence of one old primary (functions/kinds/rds-replica/fence.ts), against a mocked
 * RDS: stop after a final snapshot when available, nothing when already stopping or stopped,
 * pending with the reason for anything else; never a thrown error.
 */

const rds = mockClient(RDSClient);
const REGION = 'us-east-1';
const PRIMARY = 'shop-db';
const NOW = new Date('2026-11-24T09:06:30.000Z');
const SNAPSHOT = 'shop-db-final-202611240906';

const instance = (status: string): { DBInstances: DBInstance[] } => ({
  DBInstances: [{ DBInstanceIdentifier: PRIMARY, DBInstanceStatus: status }],
});
const metadata = { httpStatusCode: 400, requestId: 'r-1', attempts: 1, totalRetryDelay: 0 };

beforeEach(() => {
  setClientInterceptor(undefined);
  rds.reset();
  vi.useFakeTimers({ now: NOW, toFake: ['Date'] });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('finalSnapshotId', () => {
  it('names the snapshot after the primary and the minute, within 63 characters', () => {
    // Act
    const long = finalSnapshotId('a'.repeat(63), NOW);

    // Assert
    expect(finalSnapshotId(PRIMARY, NOW)).toBe(SNAPSHOT);
    expect(long).toHaveLength(63);
    expect(long.endsWith('-final-202611240906')).toBe(true);
  });
});

describe('fenceDatabase', () => {
  it('stops an available old primary after a final snapshot and records it', async () => {
    // Arrange
    rds.on(DescribeDBInstancesCommand).resolves(instance('available'));
    rds
      .on(StopDBInstanceCommand)
      .resolves({ DBInstance: { DBInstanceIdentifier: PRIMARY, DBInstanceStatus: 'stopping' } });

    // Act
    const look = await fenceDatabase(REGION, PRIMARY, undefined, false);

    // Assert
    expect(rds).toHaveReceivedCommandExactlyOnceWith(StopDBInstanceCommand, {
      DBInstanceIdentifier: PRIMARY,
      DBSnapshotIdentifier: SNAPSHOT,
    });
    expect(look).toEqual({
      status: 'fenced',
      detail: `stopping after final snapshot ${SNAPSHOT} (RDS starts it again by itself at 2026-12-01T09:06:30.000Z)`,
      facts: {
        finalSnapshot: SNAPSHOT,
        stoppedAt: NOW.toISOString(),
        autoStartsAt: '2026-12-01T09:06:30.000Z',
      },
    });
  });

  it.each(['stopping', 'stopped'])(
    'counts a %s old primary as fenced without stopping it again',
    async (status) => {
      // Arrange
      rds.on(DescribeDBInstancesCommand).resolves(instance(status));
      const previous: FencedResource = {
        label: PRIMARY,
        status: 'pending',
        attempts: 1,
        detail: 'timed out',
        facts: { finalSnapshot: SNAPSHOT },
      };

      // Act
      const look = await fenceDatabase(REGION, PRIMARY, previous, false);

      // Assert
      expect(rds).not.toHaveReceivedCommand(StopDBInstanceCommand);
      expect(look).toEqual({
        status: 'fenced',
        detail: `${status} (final snapshot ${SNAPSHOT})`,
        facts: { finalSnapshot: SNAPSHOT },
      });
    },
  );

  it('finds the final snapshot of a stop whose answer was lost', async () => {
    // Arrange
    rds.on(DescribeDBInstancesCommand).resolves(instance('stopped'));
    rds.on(DescribeDBSnapshotsCommand).resolves({
      DBSnapshots: [{ DBSnapshotIdentifier: 'shop-db-manual' }, { DBSnapshotIdentifier: SNAPSHOT }],
    });

    // Act
    const look = await fenceDatabase(REGION, PRIMARY, undefined, false);

    // Assert
    expect(look).toMatchObject({ status: 'fenced', facts: { finalSnapshot: SNAPSHOT } });
  });

  it('leaves the old primary pending with the error when its region does not answer', async () => {
    // Arrange
    const timeout = Object.assign(
      new Error('a request has exceeded the configured 2000 ms requestTimeout.'),
      {
        name: 'TimeoutError',
      },
    );
    rds.on(DescribeDBInstancesCommand).rejects(timeout);

    // Act
    const look = await fenceDatabase(REGION, PRIMARY, undefined, false);

    // Assert
    expect(look).toEqual({
      status: 'pending',
      detail: `not reachable in ${REGION}: TimeoutError: a request has exceeded the configured 2000 ms requestTimeout.`,
    });
    expect(rds).not.toHaveReceivedCommand(StopDBInstanceCommand);
  });

  it('leaves it pending, with the reason, when RDS refuses the stop', async () => {
    // Arrange
    rds.on(DescribeDBInstancesCommand).resolves(instance('available'));
    rds.on(StopDBInstanceCommand).rejects(
      new InvalidDBInstanceStateFault({
        message: 'DB instance shop-db has a read replica and cannot be stopped.',
        $metadata: metadata,
      }),
    );

    // Act
    const look = await fenceDatabase(REGION, PRIMARY, undefined, false);

    // Assert
    expect(look).toEqual({
      status: 'pending',
      detail:
        'StopDBInstance failed: InvalidDBInstanceStateFault: DB instance shop-db has a read replica and cannot be stopped.',
    });
  });

  it('reads an existing snapshot of its own name as a stop already applied', async () => {
    // Arrange
    rds.on(DescribeDBInstancesCommand).resolvesOnce(instance('available')).resolves(instance('stopping'));
    rds
      .on(StopDBInstanceCommand)
      .rejects(new DBSnapshotAlreadyExistsFault({ message: 'snapshot exists', $metadata: metadata }));
    rds.on(DescribeDBSnapshotsCommand).resolves({ DBSnapshots: [{ DBSnapshotIdentifier: SNAPSHOT }] });

    // Act
    const look = await fenceDatabase(REGION, PRIMARY, undefined, false);

    // Assert
    expect(look).toMatchObject({ status: 'fenced', detail: `stopping (final snapshot ${SNAPSHOT})` });
  });

  it('waits for an old primary in another state, and stops nothing on a dry run', async () => {
    // Arrange
    rds.on(DescribeDBInstancesCommand).resolvesOnce(instance('backing-up')).resolves(instance('available'));

    // Act
    const busy = await fenceDatabase(REGION, PRIMARY, undefined, false);
    const dryRun = await fenceDatabase(REGION, PRIMARY, undefined, true);

    // Assert
    expect(busy).toEqual({ status: 'pending', detail: 'backing-up: it is stopped once available' });
    expect(dryRun).toEqual({
      status: 'pending',
      detail: `would stop it after final snapshot ${SNAPSHOT} (available now)`,
    });
    expect(rds).not.toHaveReceivedCommand(StopDBInstanceCommand);
  });
});
