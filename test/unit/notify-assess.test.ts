import './support/aws-sdk-matchers.js';
import {
  AutoScalingClient,
  DescribeAutoScalingGroupsCommand,
  type AutoScalingGroup,
} from '@aws-sdk/client-auto-scaling';
import {
  DescribeDBInstancesCommand,
  RDSClient,
  RDSServiceException,
  type DBInstance,
} from '@aws-sdk/client-rds';
import { GetParameterCommand, ParameterNotFound, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { setClientInterceptor } from '../../functions/common/aws-clients.js';
import { assessFailover } from '../../functions/notify/assess.js';
import {
  describeDBInstancesOutput,
  describeGroupsOutput,
  groupInstances,
  replicaInstance,
  scalingGroup,
  standaloneInstance,
} from '../fixtures/aws-fixtures.js';
import { examplePlan } from '../fixtures/plans.js';

const rds = mockClient(RDSClient);
const autoScaling = mockClient(AutoScalingClient);
const ssm = mockClient(SSMClient);

const REPLICA = 'shop-db-replica';
/** Where standaloneInstance/replicaInstance put the fixture's endpoint (port 1521). */
const NEW_HOST = 'shop-db-replica.abcdefgh0ijk.us-west-2.rds.amazonaws.com';
const OLD_HOST = 'shop-db.cluster0abc.us-east-1.rds.amazonaws.com';

const database = (instance: DBInstance) =>
  rds.on(DescribeDBInstancesCommand).resolves(describeDBInstancesOutput(instance));
const group = (overrides: Partial<AutoScalingGroup>) =>
  autoScaling
    .on(DescribeAutoScalingGroupsCommand)
    .resolves(describeGroupsOutput(scalingGroup('shop-app-usw2', overrides)));
const parameters = (values: Record<string, string>) => {
  for (const [name, value] of Object.entries(values)) {
    ssm
      .on(GetParameterCommand, { Name: name })
      .resolves({ Parameter: { Name: name, Value: value, Type: 'String' } });
  }
};

beforeEach(() => {
  setClientInterceptor(undefined);
  rds.reset();
  autoScaling.reset();
  ssm.reset();
});

describe('assessFailover', () => {
  it('reads back a complete failover as all done', async () => {
    // Arrange
    database(standaloneInstance(REPLICA));
    group({ DesiredCapacity: 6, Instances: groupInstances(6) });
    parameters({ '/shop/db/host': NEW_HOST, '/shop/db/port': '1521', '/shop/active-region': 'us-west-2' });

    // Act
    const assessment = await assessFailover(examplePlan());

    // Assert
    expect(assessment).toEqual([
      { kind: 'database', name: REPLICA, done: true, detail: 'promoted: standalone and available' },
      { kind: 'group', name: 'shop-app-usw2', done: true, detail: 'desired 6 (plan 6), 6 InService' },
      { kind: 'parameter', name: '/shop/db/host', done: true, detail: `points at ${NEW_HOST}` },
      { kind: 'parameter', name: '/shop/db/port', done: true, detail: 'points at 1521' },
      { kind: 'parameter', name: '/shop/active-region', done: true, detail: 'points at us-west-2' },
    ]);
  });

  it('reads back an untouched stack as nothing done', async () => {
    // Arrange: the SDK example group is at desired 2 with 2 InService.
    database(replicaInstance(REPLICA));
    group({});
    parameters({ '/shop/db/host': OLD_HOST, '/shop/db/port': '5432', '/shop/active-region': 'us-east-1' });

    // Act
    const assessment = await assessFailover(examplePlan());

    // Assert
    expect(assessment).toEqual([
      { kind: 'database', name: REPLICA, done: false, detail: 'still a read replica (available)' },
      { kind: 'group', name: 'shop-app-usw2', done: false, detail: 'desired 2 (plan 6), 2 InService' },
      { kind: 'parameter', name: '/shop/db/host', done: false, detail: `not repointed: holds ${OLD_HOST}` },
      { kind: 'parameter', name: '/shop/db/port', done: false, detail: 'not repointed: holds 5432' },
      {
        kind: 'parameter',
        name: '/shop/active-region',
        done: false,
        detail: 'not repointed: holds us-east-1',
      },
    ]);
  });

  it('counts a parameter as not repointed while its database is only half promoted', async () => {
    // Arrange: standalone but still modifying, and the parameter already names its endpoint.
    database(standaloneInstance(REPLICA, { DBInstanceStatus: 'modifying' }));
    group({ DesiredCapacity: 6, Instances: groupInstances(4) });
    parameters({ '/shop/db/host': NEW_HOST, '/shop/db/port': '1521', '/shop/active-region': 'us-west-2' });

    // Act
    const assessment = await assessFailover(examplePlan());

    // Assert
    expect(assessment.map(({ name, done, detail }) => [name, done, detail])).toEqual([
      [REPLICA, false, 'standalone, modifying'],
      ['shop-app-usw2', false, 'desired 6 (plan 6), 4 InService'],
      ['/shop/db/host', false, `not repointed: holds ${NEW_HOST}`],
      ['/shop/db/port', false, 'not repointed: holds 1521'],
      ['/shop/active-region', true, 'points at us-west-2'],
    ]);
  });

  it('reports what it cannot read as unknown and not done, without failing', async () => {
    // Arrange
    rds.on(DescribeDBInstancesCommand).rejects(
      new RDSServiceException({
        name: 'Throttling',
        $fault: 'client',
        message: 'Rate exceeded',
        $metadata: {},
      }),
    );
    autoScaling.on(DescribeAutoScalingGroupsCommand).resolves(describeGroupsOutput());
    ssm.on(GetParameterCommand).rejects(new ParameterNotFound({ message: '', $metadata: {} }));

    // Act
    const assessment = await assessFailover(examplePlan());

    // Assert
    expect(assessment.every((resource) => !resource.done)).toBe(true);
    expect(assessment.map((resource) => resource.detail)).toEqual([
      'unknown: Throttling: Rate exceeded',
      'unknown: ScalingGroupNotFoundError: Auto Scaling group shop-app-usw2 not found in us-west-2',
      'unknown: ParameterNotFound: ',
      'unknown: ParameterNotFound: ',
      'unknown: ParameterNotFound: ',
    ]);
  });

  it('only reads, in the recovery region', async () => {
    // Arrange
    database(standaloneInstance(REPLICA));
    group({ DesiredCapacity: 6, Instances: groupInstances(6) });
    parameters({ '/shop/db/host': NEW_HOST, '/shop/db/port': '1521', '/shop/active-region': 'us-west-2' });

    // Act
    await assessFailover(examplePlan());

    // Assert
    expect(rds.calls().map((call) => call.args[0].constructor.name)).toEqual(['DescribeDBInstancesCommand']);
    expect(autoScaling.calls().map((call) => call.args[0].constructor.name)).toEqual([
      'DescribeAutoScalingGroupsCommand',
    ]);
    expect(ssm.calls().map((call) => call.args[0].constructor.name)).toEqual(
      Array(3).fill('GetParameterCommand'),
    );
    const client = rds.call(0).thisValue as RDSClient;
    await expect(client.config.region()).resolves.toBe('us-west-2');
  });
});
