import '../../unit/support/aws-sdk-matchers.js';
import {
  AutoScalingClient,
  DescribeAutoScalingGroupsCommand,
  UpdateAutoScalingGroupCommand,
} from '@aws-sdk/client-auto-scaling';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { setClientInterceptor } from '../../../functions/common/aws-clients.js';
import type { FencedResource } from '../../../functions/common/fencing-record.js';
import { fenceGroup } from '../../../functions/kinds/auto-scaling-group/fence.js';

/**
 * The Auto Scaling group kind's fence of one old-region group
 * (functions/kinds/auto-scaling-group/fence.ts), against a mocked Auto Scaling: to zero once,
 * the capacity before recorded once, pending with the reason on any error.
 */

const autoScaling = mockClient(AutoScalingClient);
const REGION = 'us-east-1';
const GROUP = 'shop-app-use1';

const described = (min: number, desired: number, max: number) => ({
  AutoScalingGroups: [
    {
      AutoScalingGroupName: GROUP,
      MinSize: min,
      DesiredCapacity: desired,
      MaxSize: max,
      DefaultCooldown: 300,
      AvailabilityZones: [],
      HealthCheckType: 'EC2',
      CreatedTime: new Date('2026-01-01T00:00:00Z'),
    },
  ],
});

beforeEach(() => {
  setClientInterceptor(undefined);
  autoScaling.reset();
});

describe('fenceGroup', () => {
  it('scales the old group to min 0 / desired 0 and records its capacity before', async () => {
    // Arrange
    autoScaling.on(DescribeAutoScalingGroupsCommand).resolves(described(3, 6, 12));
    autoScaling.on(UpdateAutoScalingGroupCommand).resolves({});

    // Act
    const look = await fenceGroup(REGION, GROUP, undefined, false);

    // Assert
    expect(autoScaling).toHaveReceivedCommandExactlyOnceWith(UpdateAutoScalingGroupCommand, {
      AutoScalingGroupName: GROUP,
      MinSize: 0,
      DesiredCapacity: 0,
    });
    expect(look).toEqual({
      status: 'fenced',
      detail: 'scaled to 0 (was min 3 desired 6 max 12)',
      facts: { previous: { min: 3, desired: 6, max: 12 } },
    });
  });

  it('makes no call for a group already at zero, and keeps the capacity recorded first', async () => {
    // Arrange
    autoScaling.on(DescribeAutoScalingGroupsCommand).resolves(described(0, 0, 12));
    const previous: FencedResource = {
      label: GROUP,
      status: 'pending',
      attempts: 1,
      detail: 'timed out',
      facts: { previous: { min: 3, desired: 6, max: 12 } },
    };

    // Act
    const look = await fenceGroup(REGION, GROUP, previous, false);

    // Assert
    expect(autoScaling).not.toHaveReceivedCommand(UpdateAutoScalingGroupCommand);
    expect(look).toEqual({
      status: 'fenced',
      detail: 'at 0 (min 0 desired 0 max 12; was min 3 desired 6 max 12)',
      facts: { previous: { min: 3, desired: 6, max: 12 } },
    });
  });

  it('leaves the group pending with the reason when it is not found or the update fails', async () => {
    // Arrange
    autoScaling
      .on(DescribeAutoScalingGroupsCommand)
      .resolvesOnce({ AutoScalingGroups: [] })
      .resolves(described(3, 6, 12));
    autoScaling
      .on(UpdateAutoScalingGroupCommand)
      .rejects(Object.assign(new Error('Rate exceeded'), { name: 'Throttling' }));

    // Act
    const missing = await fenceGroup(REGION, GROUP, undefined, false);
    const refused = await fenceGroup(REGION, GROUP, undefined, false);

    // Assert
    expect(missing).toEqual({
      status: 'pending',
      detail: `not reachable in ${REGION}: ScalingGroupNotFoundError: Auto Scaling group ${GROUP} not found in ${REGION}`,
    });
    expect(refused).toEqual({
      status: 'pending',
      detail: 'UpdateAutoScalingGroup failed: Throttling: Rate exceeded',
      facts: { previous: { min: 3, desired: 6, max: 12 } },
    });
  });

  it('changes nothing on a dry run', async () => {
    // Arrange
    autoScaling.on(DescribeAutoScalingGroupsCommand).resolves(described(3, 6, 12));

    // Act
    const look = await fenceGroup(REGION, GROUP, undefined, true);

    // Assert
    expect(autoScaling).not.toHaveReceivedCommand(UpdateAutoScalingGroupCommand);
    expect(look).toEqual({ status: 'pending', detail: 'would scale it to 0 (now min 3 desired 6 max 12)' });
  });
});
