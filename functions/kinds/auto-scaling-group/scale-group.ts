import { UpdateAutoScalingGroupCommand } from '@aws-sdk/client-auto-scaling';
import { autoScalingClient } from '../../common/clients/autoscaling.js';
import { describeGroup, inServiceCount, requiredInService } from './autoscaling.js';
import { nowIso } from '../../common/step-handler.js';
import type { ScalingGroupPlan } from './definition.js';
import type { GroupCapacity, ScaleGroupInput, Scaling } from './types.js';

/** Instances take tens of seconds to boot and pass health checks. */
export const CAPACITY_POLL_SECONDS = 15;
/**
 * Once at least half of the instances a scale-up waits for are InService, the rest (launched in
 * the same activity) are usually seconds behind: look every few seconds until the group is ready.
 */
export const NEARLY_READY_POLL_SECONDS = 2;

/** How soon to look again at a group that had `atStart` InService when scaled and has `inService` now. */
export function capacityPollSeconds(inService: number, atStart: number, required: number): number {
  const awaited = required - atStart;
  const arrived = inService - atStart;
  return arrived > 0 && arrived * 2 >= awaited ? NEARLY_READY_POLL_SECONDS : CAPACITY_POLL_SECONDS;
}

export const sameCapacity = (a: GroupCapacity, b: GroupCapacity): boolean =>
  a.min === b.min && a.desired === b.desired && a.max === b.max;

/** The capacity a group at `now` is scaled to: the plan's, never below what it has. */
export const targetCapacity = (now: GroupCapacity, group: ScalingGroupPlan): GroupCapacity => ({
  min: Math.max(now.min, group.min),
  desired: Math.max(now.desired, group.desired),
  max: Math.max(now.max, group.max),
});

export const capacityText = ({ min, desired, max }: GroupCapacity): string =>
  `min ${min} desired ${desired} max ${max}`;

/**
 * Scales one recovery-region group up to the plan's capacity. It never scales down: a group
 * already larger than the plan (someone scaled it by hand during the incident) keeps its size.
 * Idempotent: setting the same capacity twice changes nothing, and no call is made when the
 * group is already there; the previous capacity is recorded once (`rememberPrevious`). `ScalingActivityInProgressFault` propagates for the ASL to retry.
 * @throws ScalingGroupNotFoundError
 */
export async function scaleGroup(
  { group, recoveryRegion, dryRun }: ScaleGroupInput,
  rememberPrevious: (capacity: GroupCapacity) => Promise<GroupCapacity> = (capacity) =>
    Promise.resolve(capacity),
): Promise<Scaling> {
  const current = await describeGroup(recoveryRegion, group.name);
  const now: GroupCapacity = {
    min: current.MinSize ?? 0,
    desired: current.DesiredCapacity ?? 0,
    max: current.MaxSize ?? 0,
  };
  // Recorded before the first change, once: a step retried after its update reads the new
  // capacity as "now", but the capacity to restore stays the one recorded first.
  const previous = dryRun ? now : await rememberPrevious(now);
  const target = targetCapacity(now, group);
  const inService = inServiceCount(current);
  // Ready means the plan's capacity serves traffic, even if someone scaled the group higher by hand.
  const required = requiredInService(group, group.desired);
  const startedAt = nowIso();
  const base = {
    groupName: group.name,
    previous,
    target,
    inService,
    inServiceAtStart: inService,
    required,
    startedAt,
    pollSeconds: CAPACITY_POLL_SECONDS,
  };
  const targetText = capacityText(target);
  if (dryRun) {
    const message = sameCapacity(now, target)
      ? `dry run: ${group.name} is already at ${targetText}`
      : `dry run: would set ${group.name} to ${targetText} (now ${capacityText(now)})`;
    return { ...base, status: 'ready', readyAt: startedAt, dryRun, message };
  }
  if (!sameCapacity(now, target)) {
    await autoScalingClient(recoveryRegion).send(
      new UpdateAutoScalingGroupCommand({
        AutoScalingGroupName: group.name,
        MinSize: target.min,
        MaxSize: target.max,
        DesiredCapacity: target.desired,
      }),
    );
  }
  const ready = inService >= required;
  return {
    ...base,
    status: ready ? 'ready' : 'scaling',
    readyAt: ready ? startedAt : undefined,
    dryRun,
    message: `${group.name} set to ${targetText}; ${inService}/${required} InService`,
  };
}
