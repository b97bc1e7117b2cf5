import { UpdateAutoScalingGroupCommand } from '@aws-sdk/client-auto-scaling';
import { autoScalingClient } from '../../common/clients/autoscaling.js';
import { describeError, GroupCapacityTimeoutError } from '../../common/errors.js';
import { readFacts, readProgress, writeAssessment, writeProgress } from '../../common/failover-record.js';
import { readFencing } from '../../common/fencing-record.js';
import { nowIso, secondsSince } from '../../common/step-handler.js';
import {
  mapBounded,
  summarise,
  underWay,
  type Assessed,
  type KindContext,
  type KindSummary,
} from '../kind-step.js';
import { describeGroup, inServiceCount, requiredInService } from './autoscaling.js';
import { autoScalingGroupKind, type ScalingGroupPlan } from './definition.js';
import { CAPACITY_POLL_SECONDS, capacityText, sameCapacity } from './scale-group.js';
import type { GroupCapacity, GroupFacts } from './types.js';

/**
 * The Auto Scaling group kind in the failback direction (issue 10), Scale Back: first each home
 * group (`primaryGroup`, primary region) back to the capacity the fence recorded before scaling it
 * to zero, until enough instances are InService there; then the recovery group back to the
 * capacity the failover recorded before scaling it up (its pilot light). Exact capacities, down
 * as well as up; no call when a group is already there.
 */

const KIND = autoScalingGroupKind.id;
const CONCURRENCY = 10;

export interface ScaleBack {
  readonly status: 'home-scaling' | 'done';
  readonly groupName: string;
  readonly home?: GroupCapacity;
  readonly recovery?: GroupCapacity;
  readonly startedAt: string;
  readonly doneAt?: string;
  readonly pollSeconds: number;
  readonly message: string;
}

/** The capacity the fence recorded for a home group (its fencing record's facts). */
async function fencedCapacity(context: KindContext, name: string): Promise<GroupCapacity | undefined> {
  const record = await readFencing(context.plan.recoveryRegion, context.plan.name, KIND);
  const facts = record?.resources.find((resource) => resource.label === name)?.facts as
    (Partial<GroupCapacity> & { previous?: GroupCapacity }) | undefined;
  const capacity = facts?.previous ?? facts;
  return capacity?.min !== undefined && capacity.desired !== undefined && capacity.max !== undefined
    ? { min: capacity.min, desired: capacity.desired, max: capacity.max }
    : undefined;
}

/** Sets `name` in `region` to `capacity` unless it is there; returns the group as described before. */
async function setCapacity(region: string, name: string, capacity: GroupCapacity, dryRun: boolean) {
  const group = await describeGroup(region, name);
  const now = { min: group.MinSize ?? 0, desired: group.DesiredCapacity ?? 0, max: group.MaxSize ?? 0 };
  if (!sameCapacity(now, capacity) && !dryRun)
    await autoScalingClient(region).send(
      new UpdateAutoScalingGroupCommand({
        AutoScalingGroupName: name,
        MinSize: capacity.min,
        MaxSize: capacity.max,
        DesiredCapacity: capacity.desired,
      }),
    );
  return group;
}

async function scaleBackOne(
  context: KindContext,
  group: ScalingGroupPlan,
  index: number,
  previous: ScaleBack | undefined,
): Promise<ScaleBack> {
  const { plan, dryRun, failoverScope } = context;
  const startedAt = previous?.startedAt ?? nowIso();
  const base = { groupName: group.name, startedAt, pollSeconds: CAPACITY_POLL_SECONDS };
  if (group.primaryGroup !== undefined) {
    const home = await fencedCapacity(context, group.primaryGroup);
    if (home === undefined)
      throw new Error(`the fencing record holds no capacity for ${group.primaryGroup}: cannot scale it back`);
    const described = await setCapacity(plan.primaryRegion, group.primaryGroup, home, dryRun);
    const required = requiredInService(group, home.desired);
    const inService = inServiceCount(described);
    if (!dryRun && home.desired > 0 && inService < required) {
      if (secondsSince(startedAt) > group.capacityTimeoutSeconds)
        throw new GroupCapacityTimeoutError(
          `${group.primaryGroup} (${plan.primaryRegion}) has ${inService}/${required} InService ${group.capacityTimeoutSeconds}s after it was scaled back to ${capacityText(home)}`,
        );
      return {
        ...base,
        status: 'home-scaling',
        home,
        message: `${group.primaryGroup} at ${capacityText(home)}: ${inService}/${required} InService`,
      };
    }
  }
  const facts =
    failoverScope === undefined ? undefined : await readFacts<GroupFacts>(failoverScope, KIND, index);
  if (facts === undefined)
    return {
      ...base,
      status: 'done',
      doneAt: nowIso(),
      message: `${group.name}: the failover recorded no capacity; left as it is`,
    };
  await setCapacity(plan.recoveryRegion, group.name, facts.previous, dryRun);
  return {
    ...base,
    status: 'done',
    recovery: facts.previous,
    doneAt: nowIso(),
    message: `${dryRun ? 'would scale' : 'scaled'} ${group.primaryGroup ?? '(no home group)'} back; ${group.name} back to ${capacityText(facts.previous)}`,
  };
}

export async function scaleBack(context: KindContext, action: 'start' | 'check'): Promise<KindSummary> {
  const recorded = (await readProgress<ScaleBack[]>(context.scope, KIND)) ?? [];
  const progress = await mapBounded(context.plan.scalingGroups, CONCURRENCY, (group, i) =>
    recorded[i]?.status === 'done'
      ? Promise.resolve(recorded[i])
      : scaleBackOne(context, group, i, recorded[i]),
  );
  await writeProgress(context.scope, KIND, progress);
  return summarise(
    KIND,
    action,
    progress.map((item) => underWay(item, item.status === 'done', item.doneAt)),
    'groups scaled back',
  );
}

/** Each recovery group against its pre-failover capacity, each home group against its fenced one. */
export async function scaleBackReadBack(context: KindContext): Promise<readonly Assessed[]> {
  const { plan, scope, failoverScope } = context;
  const assessed = await mapBounded(plan.scalingGroups, CONCURRENCY, async (group, i): Promise<Assessed> => {
    try {
      const facts =
        failoverScope === undefined ? undefined : await readFacts<GroupFacts>(failoverScope, KIND, i);
      const found = await describeGroup(plan.recoveryRegion, group.name);
      const now = { min: found.MinSize ?? 0, desired: found.DesiredCapacity ?? 0, max: found.MaxSize ?? 0 };
      const done = facts !== undefined && sameCapacity(now, facts.previous);
      return {
        label: group.name,
        done,
        detail: `${capacityText(now)}${done ? ' (as before the failover)' : ''}`,
      };
    } catch (error) {
      return { label: group.name, done: false, detail: `unknown: ${describeError(error)}` };
    }
  });
  await writeAssessment(scope, KIND, assessed);
  return assessed;
}
