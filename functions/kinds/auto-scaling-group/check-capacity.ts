import { describeGroup, inServiceCount } from './autoscaling.js';
import { capacityPollSeconds } from './scale-group.js';
import { GroupCapacityTimeoutError } from '../../common/errors.js';
import { nowIso, secondsSince } from '../../common/step-handler.js';
import type { AutoScalingGroup } from '@aws-sdk/client-auto-scaling';
import type { ScalingGroupPlan } from './definition.js';
import type { CheckGroupCapacityInput, Scaling } from './types.js';

/**
 * Polled after scaling: the group is ready when enough instances are InService and Healthy.
 * @throws ScalingGroupNotFoundError, GroupCapacityTimeoutError
 */
export async function checkGroupCapacity({
  group,
  recoveryRegion,
  scaling,
}: CheckGroupCapacityInput): Promise<Scaling> {
  return assessCapacity(group, scaling, await describeGroup(recoveryRegion, group.name));
}

/** Where a group stands against the capacity it was scaled to, from its description. */
export function assessCapacity(
  group: ScalingGroupPlan,
  scaling: Scaling,
  current: AutoScalingGroup,
): Scaling {
  const inService = inServiceCount(current);
  if (inService >= scaling.required) {
    return {
      ...scaling,
      status: 'ready',
      inService,
      readyAt: nowIso(),
      message: `${group.name} has ${inService}/${scaling.required} InService`,
    };
  }
  const elapsed = secondsSince(scaling.startedAt);
  if (elapsed > group.capacityTimeoutSeconds) {
    throw new GroupCapacityTimeoutError(
      `${group.name} has ${inService} of ${scaling.required} required instances InService after ${Math.round(elapsed)}s (capacityTimeoutSeconds ${group.capacityTimeoutSeconds})`,
    );
  }
  return {
    ...scaling,
    status: 'scaling',
    inService,
    pollSeconds: capacityPollSeconds(inService, scaling.inServiceAtStart ?? 0, scaling.required),
    message: `${group.name} has ${inService}/${scaling.required} InService`,
  };
}
