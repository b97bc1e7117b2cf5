import type {
  CheckGroupCapacitiesInput,
  GroupCapacitiesCheck,
  ScalingItem,
} from '../common/workflow-state.js';
import { checkGroupCapacity } from './check-group-capacity.js';

/**
 * One poll of every group not yet ready. A ready group is not described again; the first group
 * that timed out fails the poll with its own error (GroupCapacityTimeoutError,
 * ScalingGroupNotFoundError).
 */
export async function checkGroupCapacities({
  recoveryRegion,
  groups,
}: CheckGroupCapacitiesInput): Promise<GroupCapacitiesCheck> {
  const checked: ScalingItem[] = await Promise.all(
    groups.map(async (item) =>
      item.scaling.status === 'ready'
        ? item
        : {
            ...item,
            scaling: await checkGroupCapacity({ group: item.group, recoveryRegion, scaling: item.scaling }),
          },
    ),
  );
  // The next poll comes as soon as the soonest item asks (its step set pollSeconds); importing
  // the constant from the step that mutates would widen this function's IAM in CDK.
  const pending = checked.filter((item) => item.scaling.status !== 'ready');
  const pollSeconds = pending.length === 0 ? 0 : Math.min(...pending.map((item) => item.scaling.pollSeconds));
  return { done: pending.length === 0, pollSeconds, groups: checked };
}
