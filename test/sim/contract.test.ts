import { DescribeAutoScalingGroupsCommand } from '@aws-sdk/client-auto-scaling';
import { DescribeDBInstancesCommand } from '@aws-sdk/client-rds';
import { afterEach, describe, expect, it } from 'vitest';
import { autoScalingClient } from '../../functions/common/clients/autoscaling.js';
import { rdsClient } from '../../functions/common/clients/rds.js';
import { fixtureReplica, scalingGroup } from '../fixtures/aws-fixtures.js';
import { GROUP, RECOVERY, REPLICA, settle, simulate, teardown } from './support.js';

/**
 * The simulated answers against recorded AWS answers (test/fixtures/aws/api): same field names,
 * same value kinds (a `Date` stays a `Date`, a list a list), nothing the real service never sends.
 */

afterEach(teardown);

const kindOf = (value: unknown): string =>
  value instanceof Date ? 'date' : Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value;

const kinds = (record: object): Record<string, string> =>
  Object.fromEntries(Object.entries(record).map(([key, value]) => [key, kindOf(value)]));

/** The kinds of `actual`'s fields that `expected` also has. */
const sharedKinds = (actual: object, expected: object): Record<string, string> =>
  Object.fromEntries(Object.entries(kinds(actual)).filter(([key]) => key in expected));

describe('simulated answers against recorded AWS answers', () => {
  it('gives a replica the fields and value kinds of a real DescribeDBInstances read replica', async () => {
    const { clock } = simulate();
    const real = fixtureReplica();

    const output = await settle(
      clock,
      rdsClient(RECOVERY).send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: REPLICA })),
    );
    const simulated = output.DBInstances?.[0] ?? {};

    expect(sharedKinds(simulated, real)).toEqual(sharedKinds(real, simulated));
    expect(Object.keys(simulated)).toEqual(
      expect.arrayContaining([
        'DBInstanceStatus',
        'ReadReplicaSourceDBInstanceIdentifier',
        'StatusInfos',
        'Endpoint',
        'InstanceCreateTime',
      ]),
    );
    expect(Object.keys(simulated).filter((key) => !(key in real))).toEqual([]);
    expect(simulated.StatusInfos).toEqual(real.StatusInfos);
  });

  it('gives a group and its instances only fields of a real DescribeAutoScalingGroups answer', async () => {
    const { clock } = simulate();
    const real = scalingGroup(GROUP);
    // The XML fixture shows LaunchTemplate where the JSON example has a launch configuration.
    const realGroupKeys = [...Object.keys(real), 'LaunchTemplate'];
    const realInstanceKeys = [...Object.keys(real.Instances?.[0] ?? {}), 'LaunchTemplate'];

    const output = await settle(
      clock,
      autoScalingClient(RECOVERY).send(
        new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [GROUP] }),
      ),
    );
    const simulated = output.AutoScalingGroups?.[0];
    if (!simulated) throw new Error(`no group ${GROUP}`);

    expect(Object.keys(simulated).filter((key) => !realGroupKeys.includes(key))).toEqual([]);
    expect(
      Object.keys(simulated.Instances?.[0] ?? {}).filter((key) => !realInstanceKeys.includes(key)),
    ).toEqual([]);
    expect(sharedKinds(simulated, real)).toEqual(sharedKinds(real, simulated));
  });
});
