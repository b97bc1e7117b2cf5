import { describeGroups } from '../common/autoscaling.js';
import { ScalingGroupNotFoundError } from '../common/errors.js';
import type {
  CheckGroupCapacitiesInput,
  GroupCapacitiesCheck,
  ScalingItem,
} from '../common/workflow-state.js';
import { assessCapacity } from './check-group-capacity.js';

/**
 * One poll of every group not yet ready, in one DescribeAutoScalingGroups call (50 names a
 * call). A ready group is not described again; the first group that timed out or vanished
 * fails the poll with its own error (GroupCapacityTimeoutError, ScalingGroupNotFoundError).
 */
export async function checkGroupCapacities({
  recoveryRegion,
  groups,
}: CheckGroupCapacitiesInput): Promise<GroupCapacitiesCheck> {
  const waiting = groups.filter((item) => item.scaling.status !== 'ready').map((item) => item.name);
  const described = await describeGroups(recoveryRegion, waiting);
  const checked: ScalingItem[] = groups.map((item) => {
    if (item.scaling.status === 'ready') return item;
    const current = described.get(item.name);
    if (current === undefined) {
      throw new ScalingGroupNotFoundError(`Auto Scaling group ${item.name} not found in ${recoveryRegion}`);
    }
    return { ...item, scaling: assessCapacity(item.group, item.scaling, current) };
  });
  // The next poll comes as soon as the soonest item asks (its step set pollSeconds); importing
  // the constant from the step that mutates would widen this function's IAM in CDK.
  const pending = checked.filter((item) => item.scaling.status !== 'ready');
  const pollSeconds = pending.length === 0 ? 0 : Math.min(...pending.map((item) => item.scaling.pollSeconds));
  return { recoveryRegion, done: pending.length === 0, pollSeconds, groups: checked };
}
