import '../../unit/support/aws-sdk-matchers.js';
import {
  AutoScalingClient,
  DescribeAutoScalingGroupsCommand,
  ScalingActivityInProgressFault,
  UpdateAutoScalingGroupCommand,
  type AutoScalingGroup,
} from '@aws-sdk/client-auto-scaling';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { setClientInterceptor } from '../../../functions/common/aws-clients.js';
import { ScalingGroupNotFoundError } from '../../../functions/common/errors.js';
import type { ScalingGroupPlan } from '../../../functions/common/plan.js';
import type { ScaleGroupInput } from '../../../functions/kinds/auto-scaling-group/types.js';
import {
  CAPACITY_POLL_SECONDS,
  scaleGroup,
} from '../../../functions/kinds/auto-scaling-group/scale-group.js';
import { describeGroupsOutput, groupInstances, scalingGroup } from '../../fixtures/aws-fixtures.js';
import { examplePlan } from '../../fixtures/plans.js';

const autoScaling = mockClient(AutoScalingClient);
const NOW = new Date('2026-11-24T09:05:00.000Z');
const GROUP = 'shop-app-usw2';

/** The example plan's group: min 3, desired 6, max 12, minHealthyPercent 100. */
const appGroup = (): ScalingGroupPlan => {
  const [group] = examplePlan().scalingGroups;
  if (group === undefined) throw new Error('the example plan has no scaling group');
  return group;
};

const scale = (dryRun = false, group = appGroup()): ScaleGroupInput => ({
  group,
  recoveryRegion: 'us-west-2',
  dryRun,
});

/** The SDK example group (min 1, desired 2, max 5, two InService) under the plan's name. */
const describesAs = (overrides: Partial<AutoScalingGroup> = {}) =>
  autoScaling
    .on(DescribeAutoScalingGroupsCommand)
    .resolves(describeGroupsOutput(scalingGroup(GROUP, overrides)));

beforeEach(() => {
  setClientInterceptor(undefined);
  autoScaling.reset();
  autoScaling.on(UpdateAutoScalingGroupCommand).resolves({ $metadata: {} });
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(NOW);
});

afterEach(() => {
  vi.useRealTimers();
});

describe('scaleGroup', () => {
  it("scales a pilot-light group up to the plan's capacity", async () => {
    // Arrange
    describesAs();

    // Act
    const scaling = await scaleGroup(scale());

    // Assert
    expect(autoScaling).toHaveReceivedCommandWith(DescribeAutoScalingGroupsCommand, {
      AutoScalingGroupNames: [GROUP],
    });
    expect(autoScaling).toHaveReceivedCommandExactlyOnceWith(UpdateAutoScalingGroupCommand, {
      AutoScalingGroupName: GROUP,
      MinSize: 3,
      MaxSize: 12,
      DesiredCapacity: 6,
    });
    expect(scaling).toEqual({
      status: 'scaling',
      groupName: GROUP,
      previous: { min: 1, desired: 2, max: 5 },
      target: { min: 3, desired: 6, max: 12 },
      inService: 2,
      inServiceAtStart: 2,
      required: 6,
      startedAt: NOW.toISOString(),
      pollSeconds: CAPACITY_POLL_SECONDS,
      dryRun: false,
      message: `${GROUP} set to min 3 desired 6 max 12; 2/6 InService`,
    });
  });

  it('never scales down: a group scaled up by hand keeps its desired and max', async () => {
    // Arrange
    describesAs({ MinSize: 1, DesiredCapacity: 10, MaxSize: 20, Instances: groupInstances(10) });

    // Act
    const scaling = await scaleGroup(scale());

    // Assert
    expect(autoScaling).toHaveReceivedCommandExactlyOnceWith(UpdateAutoScalingGroupCommand, {
      AutoScalingGroupName: GROUP,
      MinSize: 3,
      MaxSize: 20,
      DesiredCapacity: 10,
    });
    expect(scaling.target).toEqual({ min: 3, desired: 10, max: 20 });
    expect(scaling.status).toBe('ready');
  });

  it('makes no call when the group is already larger on every bound', async () => {
    // Arrange
    describesAs({ MinSize: 4, DesiredCapacity: 8, MaxSize: 16, Instances: groupInstances(8) });

    // Act
    const scaling = await scaleGroup(scale());

    // Assert
    expect(autoScaling).not.toHaveReceivedCommand(UpdateAutoScalingGroupCommand);
    expect(scaling).toMatchObject({
      target: { min: 4, desired: 8, max: 16 },
      status: 'ready',
      readyAt: NOW.toISOString(),
    });
  });

  it('makes no call when the group is already at the target, and waits for instances still booting', async () => {
    // Arrange
    describesAs({
      MinSize: 3,
      DesiredCapacity: 6,
      MaxSize: 12,
      Instances: [
        ...groupInstances(4),
        ...groupInstances(1, 'Pending'),
        ...groupInstances(1, 'InService', 'Unhealthy'),
      ],
    });

    // Act
    const scaling = await scaleGroup(scale());

    // Assert
    expect(autoScaling).not.toHaveReceivedCommand(UpdateAutoScalingGroupCommand);
    expect(scaling).toMatchObject({ status: 'scaling', inService: 4, required: 6 });
    expect(scaling.readyAt).toBeUndefined();
  });

  it('counts the group ready at minHealthyPercent of the target', async () => {
    // Arrange
    describesAs({ Instances: groupInstances(3) });
    const group: ScalingGroupPlan = { ...appGroup(), minHealthyPercent: 50 };

    // Act
    const scaling = await scaleGroup(scale(false, group));

    // Assert
    expect(scaling).toMatchObject({ required: 3, inService: 3, status: 'ready' });
  });

  it('reports what it would do in a dry run and calls nothing that mutates', async () => {
    // Arrange
    describesAs();

    // Act
    const scaling = await scaleGroup(scale(true));

    // Assert
    expect(autoScaling).not.toHaveReceivedCommand(UpdateAutoScalingGroupCommand);
    expect(scaling).toMatchObject({
      status: 'ready',
      dryRun: true,
      readyAt: NOW.toISOString(),
      message: `dry run: would set ${GROUP} to min 3 desired 6 max 12 (now min 1 desired 2 max 5)`,
    });
  });

  it('says so in a dry run when the group is already at the target', async () => {
    // Arrange
    describesAs({ MinSize: 3, DesiredCapacity: 6, MaxSize: 12 });

    // Act
    const scaling = await scaleGroup(scale(true));

    // Assert
    expect(scaling.message).toBe(`dry run: ${GROUP} is already at min 3 desired 6 max 12`);
  });

  it.each([
    ['no group at all', describeGroupsOutput()],
    ['only another group', describeGroupsOutput(scalingGroup('my-auto-scaling-group'))],
  ])('throws ScalingGroupNotFoundError when the answer has %s', async (_case, output) => {
    // Arrange
    autoScaling.on(DescribeAutoScalingGroupsCommand).resolves(output);

    // Act
    const scaling = scaleGroup(scale());

    // Assert
    await expect(scaling).rejects.toThrow(
      new ScalingGroupNotFoundError(`Auto Scaling group ${GROUP} not found in us-west-2`),
    );
    expect(autoScaling).not.toHaveReceivedCommand(UpdateAutoScalingGroupCommand);
  });

  it('lets ScalingActivityInProgressFault through with its name, for the ASL to retry', async () => {
    // Arrange
    describesAs();
    const busy = new ScalingActivityInProgressFault({
      message: "The operation can't be performed because there are scaling activities in progress.",
      $metadata: { httpStatusCode: 400 },
    });
    autoScaling.on(UpdateAutoScalingGroupCommand).rejects(busy);

    // Act
    const scaling = scaleGroup(scale());

    // Assert
    await expect(scaling).rejects.toMatchObject({ name: 'ScalingActivityInProgressFault' });
  });
});
