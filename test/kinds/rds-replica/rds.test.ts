import '../../unit/support/aws-sdk-matchers.js';
import {
  DBInstanceNotFoundFault,
  DescribeDBInstancesCommand,
  RDSClient,
  RDSServiceException,
} from '@aws-sdk/client-rds';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { setClientInterceptor } from '../../../functions/common/aws-clients.js';
import { ReplicaNotFoundError } from '../../../functions/common/errors.js';
import {
  describeInstance,
  endpointOf,
  isPromotedAndAvailable,
  isReplica,
} from '../../../functions/kinds/rds-replica/rds.js';
import {
  describeDBInstancesOutput,
  fixtureReplica,
  replicaInstance,
  standaloneInstance,
} from '../../fixtures/aws-fixtures.js';

const rds = mockClient(RDSClient);

beforeEach(() => {
  setClientInterceptor(undefined);
  rds.reset();
});

describe('describeInstance', () => {
  it('returns the one instance RDS describes', async () => {
    // Arrange
    rds.on(DescribeDBInstancesCommand).resolves(describeDBInstancesOutput(fixtureReplica()));

    // Act
    const instance = await describeInstance('us-west-2', 'new-primary');

    // Assert
    expect(instance.DBInstanceIdentifier).toBe('new-primary');
    expect(rds).toHaveReceivedCommandExactlyOnceWith(DescribeDBInstancesCommand, {
      DBInstanceIdentifier: 'new-primary',
    });
  });

  it('turns DBInstanceNotFoundFault into ReplicaNotFoundError', async () => {
    // Arrange
    const fault = new DBInstanceNotFoundFault({
      message: 'DBInstance gone not found.',
      $metadata: { httpStatusCode: 404 },
    });
    rds.on(DescribeDBInstancesCommand).rejects(fault);

    // Act
    const described = describeInstance('us-west-2', 'gone');

    // Assert
    await expect(described).rejects.toThrow(
      new ReplicaNotFoundError('DB instance gone not found in us-west-2'),
    );
    await expect(described).rejects.toHaveProperty('cause', fault);
  });

  it('lets other errors through unchanged', async () => {
    // Arrange
    const throttling = new RDSServiceException({
      name: 'Throttling',
      $fault: 'client',
      message: 'Rate exceeded',
      $metadata: {},
    });
    rds.on(DescribeDBInstancesCommand).rejects(throttling);

    // Act
    const described = describeInstance('us-west-2', 'shop-db-replica');

    // Assert
    await expect(described).rejects.toBe(throttling);
  });
});

describe('isReplica and isPromotedAndAvailable', () => {
  it.each([
    ['the read replica of the RDS sample', replicaInstance('db'), true, false],
    [
      'a PromoteReadReplica answer (modifying, still sourced)',
      replicaInstance('db', { DBInstanceStatus: 'modifying' }),
      true,
      false,
    ],
    [
      'a replica of an Aurora cluster',
      standaloneInstance('db', { ReadReplicaSourceDBClusterIdentifier: 'cluster-1' }),
      true,
      false,
    ],
    [
      'a standalone instance that is modifying',
      standaloneInstance('db', { DBInstanceStatus: 'modifying' }),
      false,
      false,
    ],
    ['a standalone available instance', standaloneInstance('db'), false, true],
    [
      'an instance with an empty source',
      standaloneInstance('db', { ReadReplicaSourceDBInstanceIdentifier: '' }),
      false,
      true,
    ],
  ])('classifies %s', (_case, instance, replica, promoted) => {
    // Act
    const classified = [isReplica(instance), isPromotedAndAvailable(instance)];

    // Assert
    expect(classified).toEqual([replica, promoted]);
  });
});

describe('endpointOf', () => {
  it('reads address and port of the RDS sample', () => {
    // Act
    const endpoint = endpointOf(fixtureReplica());

    // Assert
    expect(endpoint).toEqual({ address: 'new-primary.abcdefgh0ijk.us-west-2.rds.amazonaws.com', port: 1521 });
  });

  it('has no endpoint for an instance still being created', () => {
    // Act
    const endpoint = endpointOf(standaloneInstance('db', { Endpoint: undefined }));

    // Assert
    expect(endpoint).toBeUndefined();
  });
});
