import '../../unit/support/aws-sdk-matchers.js';
import { AutoScalingClient, DescribeAutoScalingGroupsCommand } from '@aws-sdk/client-auto-scaling';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { setClientInterceptor } from '../../../functions/common/aws-clients.js';
import {
  describeGroup,
  inServiceCount,
  requiredInService,
} from '../../../functions/kinds/auto-scaling-group/autoscaling.js';
import { ScalingGroupNotFoundError } from '../../../functions/common/errors.js';
import type { ScalingGroupPlan } from '../../../functions/common/plan.js';
import { describeGroupsOutput, groupInstances, scalingGroup } from '../../fixtures/aws-fixtures.js';

const autoScaling = mockClient(AutoScalingClient);

const groupPlan = (desired: number, minHealthyPercent: number): ScalingGroupPlan => ({
  name: 'g',
  min: 0,
  desired,
  max: 100,
  capacityTimeoutSeconds: 900,
  minHealthyPercent,
  optional: false,
});

beforeEach(() => {
  setClientInterceptor(undefined);
  autoScaling.reset();
});

describe('describeGroup', () => {
  it('returns the group of that name from the SDK example answer', async () => {
    // Arrange
    autoScaling
      .on(DescribeAutoScalingGroupsCommand)
      .resolves(describeGroupsOutput(scalingGroup('my-auto-scaling-group')));

    // Act
    const group = await describeGroup('us-west-2', 'my-auto-scaling-group');

    // Assert
    expect(group).toMatchObject({ MinSize: 1, DesiredCapacity: 2, MaxSize: 5 });
    expect(autoScaling).toHaveReceivedCommandExactlyOnceWith(DescribeAutoScalingGroupsCommand, {
      AutoScalingGroupNames: ['my-auto-scaling-group'],
    });
  });

  it('throws ScalingGroupNotFoundError when the group is absent from the answer', async () => {
    // Arrange
    autoScaling.on(DescribeAutoScalingGroupsCommand).resolves({ $metadata: {} });

    // Act
    const described = describeGroup('us-west-2', 'missing');

    // Assert
    await expect(described).rejects.toThrow(
      new ScalingGroupNotFoundError('Auto Scaling group missing not found in us-west-2'),
    );
  });
});

describe('inServiceCount', () => {
  it('counts only InService and Healthy instances', () => {
    // Arrange
    const group = scalingGroup('g', {
      Instances: [
        ...groupInstances(2),
        ...groupInstances(1, 'Pending'),
        ...groupInstances(1, 'InService', 'Unhealthy'),
        ...groupInstances(1, 'Warmed:Running'),
        ...groupInstances(1, 'Terminating'),
      ],
    });

    // Act
    const count = inServiceCount(group);

    // Assert
    expect(count).toBe(2);
  });

  it('counts the two instances of the SDK example, and none for a group without instances', () => {
    // Act
    const counts = [
      inServiceCount(scalingGroup('g')),
      inServiceCount(scalingGroup('g', { Instances: undefined })),
    ];

    // Assert
    expect(counts).toEqual([2, 0]);
  });
});

describe('requiredInService', () => {
  it.each([
    [6, 100, 6],
    [6, 50, 3],
    [5, 50, 3],
    [3, 1, 1],
    [0, 100, 1],
  ])('needs, for desired %i at %i%%, %i InService', (desired, percent, required) => {
    // Act
    const needed = requiredInService(groupPlan(desired, percent), desired);

    // Assert
    expect(needed).toBe(required);
  });
});
