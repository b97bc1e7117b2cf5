import '../../unit/support/aws-sdk-matchers.js';
import {
  AutoScalingClient,
  DescribeAutoScalingGroupsCommand,
  type Instance,
} from '@aws-sdk/client-auto-scaling';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { setClientInterceptor } from '../../../functions/common/aws-clients.js';
import { GroupCapacityTimeoutError, ScalingGroupNotFoundError } from '../../../functions/common/errors.js';
import type { ScalingGroupPlan } from '../../../functions/common/plan.js';
import type { CheckGroupCapacityInput, Scaling } from '../../../functions/kinds/auto-scaling-group/types.js';
import { checkGroupCapacity } from '../../../functions/kinds/auto-scaling-group/check-capacity.js';
import { describeGroupsOutput, groupInstances, scalingGroup } from '../../fixtures/aws-fixtures.js';
import { examplePlan } from '../../fixtures/plans.js';

const autoScaling = mockClient(AutoScalingClient);
const NOW = new Date('2026-11-24T09:08:00.000Z');
const GROUP = 'shop-app-usw2';

/** The example plan's group: desired 6, capacityTimeoutSeconds 900. */
const appGroup = (): ScalingGroupPlan => {
  const [group] = examplePlan().scalingGroups;
  if (group === undefined) throw new Error('the example plan has no scaling group');
  return group;
};

/** What scale-group returned `secondsAgo` before NOW. */
const scalingSince = (secondsAgo: number): Scaling => ({
  status: 'scaling',
  groupName: GROUP,
  previous: { min: 1, desired: 2, max: 5 },
  target: { min: 3, desired: 6, max: 12 },
  inService: 2,
  inServiceAtStart: 2,
  required: 6,
  startedAt: new Date(NOW.getTime() - secondsAgo * 1000).toISOString(),
  pollSeconds: 15,
  dryRun: false,
  message: `${GROUP} set to min 3 desired 6 max 12; 2/6 InService`,
});

const check = (scaling: Scaling): CheckGroupCapacityInput => ({
  group: appGroup(),
  recoveryRegion: 'us-west-2',
  scaling,
});

const describesWith = (instances: Instance[]) =>
  autoScaling
    .on(DescribeAutoScalingGroupsCommand)
    .resolves(
      describeGroupsOutput(
        scalingGroup(GROUP, { MinSize: 3, DesiredCapacity: 6, MaxSize: 12, Instances: instances }),
      ),
    );

beforeEach(() => {
  setClientInterceptor(undefined);
  autoScaling.reset();
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(NOW);
});

afterEach(() => {
  vi.useRealTimers();
});

describe('checkGroupCapacity', () => {
  it('reports the group ready when enough instances are InService and Healthy', async () => {
    // Arrange
    describesWith(groupInstances(6));

    // Act
    const scaling = await checkGroupCapacity(check(scalingSince(120)));

    // Assert
    expect(scaling).toEqual({
      ...scalingSince(120),
      status: 'ready',
      inService: 6,
      readyAt: NOW.toISOString(),
      message: `${GROUP} has 6/6 InService`,
    });
    expect(autoScaling).toHaveReceivedCommandExactlyOnceWith(DescribeAutoScalingGroupsCommand, {
      AutoScalingGroupNames: [GROUP],
    });
  });

  it('keeps scaling while instances are pending or unhealthy', async () => {
    // Arrange
    describesWith([
      ...groupInstances(3),
      ...groupInstances(2, 'Pending'),
      ...groupInstances(1, 'InService', 'Unhealthy'),
      ...groupInstances(1, 'Terminating'),
    ]);

    // Act
    const scaling = await checkGroupCapacity(check(scalingSince(120)));

    // Assert
    expect(scaling).toMatchObject({ status: 'scaling', inService: 3, message: `${GROUP} has 3/6 InService` });
    expect(scaling.readyAt).toBeUndefined();
  });

  it.each([
    { inService: 2, pollSeconds: 15, why: 'none of the 4 awaited has arrived' },
    { inService: 3, pollSeconds: 15, why: '1 of the 4 awaited has arrived' },
    { inService: 4, pollSeconds: 2, why: 'half of the 4 awaited have arrived' },
    { inService: 5, pollSeconds: 2, why: '3 of the 4 awaited have arrived' },
  ])(
    'looks again in $pollSeconds s with $inService of 6 InService: $why',
    async ({ inService, pollSeconds }) => {
      // Arrange: 2 were InService when the group was scaled to 6.
      describesWith([...groupInstances(inService), ...groupInstances(6 - inService, 'Pending')]);

      // Act
      const scaling = await checkGroupCapacity(check(scalingSince(60)));

      // Assert
      expect(scaling).toMatchObject({ status: 'scaling', inService, pollSeconds });
    },
  );

  it('does not time out at exactly capacityTimeoutSeconds', async () => {
    // Arrange
    describesWith(groupInstances(5));

    // Act
    const scaling = await checkGroupCapacity(check(scalingSince(900)));

    // Assert
    expect(scaling.status).toBe('scaling');
  });

  it('throws GroupCapacityTimeoutError after capacityTimeoutSeconds', async () => {
    // Arrange
    describesWith(groupInstances(5));

    // Act
    const scaling = checkGroupCapacity(check(scalingSince(901)));

    // Assert
    await expect(scaling).rejects.toThrow(
      new GroupCapacityTimeoutError(
        `${GROUP} has 5 of 6 required instances InService after 901s (capacityTimeoutSeconds 900)`,
      ),
    );
  });

  it('reports ready after the timeout when the instances made it', async () => {
    // Arrange
    describesWith(groupInstances(6));

    // Act
    const scaling = await checkGroupCapacity(check(scalingSince(5_000)));

    // Assert
    expect(scaling.status).toBe('ready');
  });

  it('throws ScalingGroupNotFoundError when the group disappeared', async () => {
    // Arrange
    autoScaling.on(DescribeAutoScalingGroupsCommand).resolves(describeGroupsOutput());

    // Act
    const scaling = checkGroupCapacity(check(scalingSince(60)));

    // Assert
    await expect(scaling).rejects.toThrow(ScalingGroupNotFoundError);
  });
});
