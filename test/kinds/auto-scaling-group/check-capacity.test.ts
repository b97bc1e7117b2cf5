import './support/aws-sdk-matchers.js';
import {
  AutoScalingClient,
  DescribeAutoScalingGroupsCommand,
  type Instance,
} from '@aws-sdk/client-auto-scaling';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { setClientInterceptor } from '../../functions/common/aws-clients.js';
import { GroupCapacityTimeoutError, ScalingGroupNotFoundError } from '../../functions/common/errors.js';
import type { ScalingGroupPlan } from '../../functions/common/plan.js';
import type {
  CheckGroupCapacitiesInput,
  CheckGroupCapacityInput,
  Scaling,
} from '../../functions/common/workflow-state.js';
import { checkGroupCapacity } from '../../functions/check-group-capacity/check-group-capacity.js';
import { handler } from '../../functions/check-group-capacity/handler.js';
import { describeGroupsOutput, groupInstances, scalingGroup } from '../fixtures/aws-fixtures.js';
import { lambdaContext } from '../fixtures/lambda-context.js';
import { examplePlan } from '../fixtures/plans.js';

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

describe('check-group-capacity handler (Check Group Capacities: every group in one poll)', () => {
  const batch = (...scalings: Scaling[]): CheckGroupCapacitiesInput => ({
    recoveryRegion: 'us-west-2',
    groups: scalings.map((scaling) => ({ name: GROUP, group: appGroup(), scaling })),
  });

  it('is done when every group of the poll is ready', async () => {
    // Arrange
    describesWith(groupInstances(6));

    // Act
    const result = await handler(batch(scalingSince(60)), lambdaContext('check-group-capacity'));

    // Assert
    expect(result.done).toBe(true);
    expect(result.groups[0]?.scaling).toMatchObject({ status: 'ready', inService: 6 });
  });

  it('is not done while a group lacks instances, and asks for the next poll', async () => {
    // Arrange
    describesWith(groupInstances(2));

    // Act
    const result = await handler(batch(scalingSince(60)), lambdaContext('check-group-capacity'));

    // Assert
    expect(result).toMatchObject({ done: false, pollSeconds: 15 });
    expect(result.groups[0]?.scaling).toMatchObject({ status: 'scaling', inService: 2 });
  });

  it('fails with the error name GroupCapacityTimeoutError', async () => {
    // Arrange
    describesWith(groupInstances(1));

    // Act
    const invocation = handler(batch(scalingSince(1_000)), lambdaContext('check-group-capacity'));

    // Assert
    await expect(invocation).rejects.toHaveProperty('name', 'GroupCapacityTimeoutError');
  });
});
