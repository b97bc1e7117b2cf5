import { describe, expect, it } from 'vitest';
import { readAwsFixture } from '../fixtures/aws-fixtures.js';
import { deserializeDescribeDBInstances } from '../fixtures/sdk-deserialize.js';

describe('SDK-shaped fixtures', () => {
  it('equal what SDK v3 deserializes from the RECONSTRUCTED DescribeDBInstances XML', async () => {
    // Arrange
    const xml = readAwsFixture('api/rds-DescribeDBInstances-read-replica.RECONSTRUCTED.xml');
    const stored: unknown = JSON.parse(
      readAwsFixture('api/rds-DescribeDBInstances-read-replica.sdk-deserialized.json'),
    );

    // Act
    const output = await deserializeDescribeDBInstances(xml);

    // Assert: the stored file is the output without $metadata, as JSON.
    expect(JSON.parse(JSON.stringify({ ...output, $metadata: undefined }))).toEqual(stored);
    expect(output.DBInstances?.[0]).toMatchObject({
      ReadReplicaSourceDBInstanceIdentifier: 'bystanders-old-primary',
      DBInstanceStatus: 'available',
      StatusInfos: [{ StatusType: 'read replication', Normal: true, Status: 'replicating' }],
      InstanceCreateTime: new Date('2022-01-09T11:55:29.005Z'),
    });
  });

  it('keep the DBInstance of the Switchover sample unchanged in the RECONSTRUCTED Describe sample', () => {
    // Arrange
    const element = (xml: string) =>
      (/<DBInstance>[\s\S]*<\/DBInstance>/.exec(xml.replace(/<!--[\s\S]*?-->/g, ''))?.[0] ?? '').replace(
        /\s+/g,
        '',
      );

    // Act
    const [switchover, describe] = [
      element(readAwsFixture('api/rds-SwitchoverReadReplica-response.xml')),
      element(readAwsFixture('api/rds-DescribeDBInstances-read-replica.RECONSTRUCTED.xml')),
    ];

    // Assert
    expect(describe).not.toBe('');
    expect(describe).toBe(switchover);
  });
});
