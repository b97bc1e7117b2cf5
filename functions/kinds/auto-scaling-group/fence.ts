import { UpdateAutoScalingGroupCommand } from '@aws-sdk/client-auto-scaling';
import { BEST_EFFORT } from '../../common/aws-clients.js';
import { autoScalingClient } from '../../common/clients/autoscaling.js';
import { describeError } from '../../common/errors.js';
import type { FencedResource } from '../../common/fencing-record.js';
import { runFence, type FenceLook } from '../fencing.js';
import type { KindContext, KindSummary } from '../kind-step.js';
import { describeGroup } from './autoscaling.js';
import { autoScalingGroupKind } from './definition.js';
import { capacityText } from './scale-group.js';
import type { GroupCapacity } from './types.js';

/**
 * The Auto Scaling group kind's fence (issue 10): the old region's group of the same tier
 * (plan `scalingGroups[].primaryGroup`) is scaled to min 0 / desired 0, so that its instances stop
 * writing to the old primary. Its capacity before is recorded once in the fencing record's facts
 * (`previous`): a failback scales it back to that. Idempotent: a group already at 0 is fenced
 * without a call. Calls go to the primary region with BEST_EFFORT's short timeout; any error
 * leaves the group `pending` with one line, for the scheduled retry.
 */

/** Looks at one old-region group and scales it to zero unless a dry run; never throws. */
export async function fenceGroup(
  region: string,
  name: string,
  previous: FencedResource | undefined,
  dryRun: boolean,
): Promise<FenceLook> {
  let now: GroupCapacity;
  try {
    const group = await describeGroup(region, name, BEST_EFFORT);
    now = { min: group.MinSize ?? 0, desired: group.DesiredCapacity ?? 0, max: group.MaxSize ?? 0 };
  } catch (error) {
    return { status: 'pending', detail: `not reachable in ${region}: ${describeError(error)}` };
  }
  // Write-once: a retry after the update reads 0 as "now"; the capacity to restore is the first seen.
  const before = (previous?.facts?.previous as GroupCapacity | undefined) ?? now;
  const facts = { previous: before };
  if (now.min === 0 && now.desired === 0)
    return { status: 'fenced', detail: `at 0 (${capacityText(now)}; was ${capacityText(before)})`, facts };
  if (dryRun) return { status: 'pending', detail: `would scale it to 0 (now ${capacityText(now)})` };
  try {
    await autoScalingClient(region, BEST_EFFORT).send(
      new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: name, MinSize: 0, DesiredCapacity: 0 }),
    );
  } catch (error) {
    return { status: 'pending', detail: `UpdateAutoScalingGroup failed: ${describeError(error)}`, facts };
  }
  return { status: 'fenced', detail: `scaled to 0 (was ${capacityText(before)})`, facts };
}

/** Every group with a `primaryGroup`: the old region's group scaled to zero. */
export const fenceGroups = (context: KindContext): Promise<KindSummary> =>
  runFence(context, autoScalingGroupKind, fenceGroup);
