import { UpdateAutoScalingGroupCommand, type AutoScalingGroup } from '@aws-sdk/client-auto-scaling';
import { autoScalingClient } from '../../common/clients/autoscaling.js';
import { ScalingGroupNotFoundError } from '../../common/errors.js';
import {
  readFacts,
  readPrewarm,
  readProgress,
  rememberOnce,
  writePrewarm,
} from '../../common/failover-record.js';
import { nowIso } from '../../common/step-handler.js';
import { mapBounded, type KindContext, type KindSummary } from '../kind-step.js';
import { describeGroups } from './autoscaling.js';
import { autoScalingGroupKind, type ScalingGroupPlan } from './definition.js';
import { capacityText, sameCapacity, scaleGroup, targetCapacity } from './scale-group.js';
import type { GroupCapacity, GroupFacts, GroupPrewarm, GroupProgress } from './types.js';

const KIND = autoScalingGroupKind.id;
const CONCURRENCY = 10;

/**
 * Prewarm and its undo for Auto Scaling groups (plan `prewarm: true`). The prewarm scales each
 * group exactly as the failover's Start would (scale-group.ts), recording the capacity before
 * in the group's write-once facts, the very fact Start records: Start, later, finds the group
 * at the plan's capacity and the capacity before already recorded, and changes nothing. The undo
 * sets that recorded capacity back, but only on a group the prewarm raised that still has the
 * capacity the prewarm gave it: a group someone changed since, or that the failover's Start
 * took over, is left as it is.
 */

const capacityOf = (group: AutoScalingGroup): GroupCapacity => ({
  min: group.MinSize ?? 0,
  desired: group.DesiredCapacity ?? 0,
  max: group.MaxSize ?? 0,
});

/** Errors that say a group cannot be prewarmed (the failover's own gate reports them); others are retried. */
const notPrewarmable = (error: unknown): error is Error =>
  error instanceof ScalingGroupNotFoundError || (error instanceof Error && error.name === 'ValidationError');

function summary(
  action: 'prewarm' | 'unwarm',
  entries: readonly (GroupPrewarm | null)[],
  message: string,
): KindSummary {
  return {
    kind: KIND,
    action,
    done: true,
    waitSeconds: 0,
    total: entries.length,
    pending: 0,
    message,
  };
}

const count = (entries: readonly (GroupPrewarm | null)[], status: GroupPrewarm['status']): number =>
  entries.filter((entry) => entry?.status === status).length;

async function prewarmGroup(
  { plan, scope }: KindContext,
  group: ScalingGroupPlan,
  index: number,
): Promise<GroupPrewarm> {
  const startedAt = nowIso();
  try {
    const scaling = await scaleGroup(
      { group, recoveryRegion: plan.recoveryRegion, dryRun: false },
      async (capacity) =>
        (await rememberOnce<GroupFacts>(scope, KIND, index, { previous: capacity })).previous,
    );
    const { previous, target } = scaling;
    // `previous` is the recorded capacity: a retried prewarm that finds its own update still says raised.
    return sameCapacity(previous, target)
      ? {
          status: 'already-there',
          groupName: group.name,
          previous,
          target,
          startedAt,
          message: `already at ${capacityText(target)}: nothing to prewarm`,
        }
      : {
          status: 'raised',
          groupName: group.name,
          previous,
          target,
          startedAt,
          raisedAt: nowIso(),
          message: `raised to ${capacityText(target)} (from ${capacityText(previous)})`,
        };
  } catch (error) {
    if (!notPrewarmable(error)) throw error;
    return { status: 'failed', groupName: group.name, startedAt, message: `not prewarmed: ${error.message}` };
  }
}

/**
 * Raises every group of the plan to its capacity, as Start would. A group that cannot be raised
 * (missing, refused) is recorded as such and the others go on; a transient error fails the step,
 * whose Retry finds the groups already raised unchanged (the capacity before is recorded once).
 */
export async function prewarmGroups(context: KindContext): Promise<KindSummary> {
  const { plan, scope, dryRun } = context;
  if (dryRun) return summary('prewarm', [], 'dry run: nothing prewarmed');
  const recorded = (await readPrewarm<(GroupPrewarm | null)[]>(scope, KIND)) ?? [];
  const entries = await mapBounded(plan.scalingGroups, CONCURRENCY, (group, i) => {
    const done = recorded[i];
    return done !== undefined && done !== null && done.status !== 'failed'
      ? Promise.resolve(done)
      : prewarmGroup(context, group, i);
  });
  await writePrewarm(scope, KIND, entries);
  const failed = count(entries, 'failed');
  const already = count(entries, 'already-there');
  return summary(
    'prewarm',
    entries,
    [
      `${count(entries, 'raised')} of ${entries.length} groups raised to the plan's capacity`,
      ...(already > 0 ? [`${already} already there`] : []),
      ...(failed > 0 ? [`${failed} not prewarmed`] : []),
    ].join('; '),
  );
}

/** Scales one group back to the capacity recorded before the prewarm, if the prewarm raised it. */
async function unwarmGroup(
  { plan, scope }: KindContext,
  group: ScalingGroupPlan,
  index: number,
  found: AutoScalingGroup | undefined,
  prewarmed: GroupPrewarm | undefined,
): Promise<GroupPrewarm | null> {
  const facts = await readFacts<GroupFacts>(scope, KIND, index);
  // No capacity recorded: the prewarm never reached this group, there is nothing to undo.
  if (facts === undefined) return prewarmed ?? null;
  const base = {
    groupName: group.name,
    previous: facts.previous,
    target: targetCapacity(facts.previous, group),
    startedAt: prewarmed?.startedAt ?? nowIso(),
    ...(prewarmed?.raisedAt !== undefined ? { raisedAt: prewarmed.raisedAt } : {}),
  };
  if (found === undefined)
    return { ...base, status: 'kept', message: `not scaled back: not found in ${plan.recoveryRegion}` };
  const now = capacityOf(found);
  // The prewarm recorded the capacity but could not raise it: there is nothing to undo.
  if (prewarmed?.status === 'failed' && sameCapacity(now, facts.previous)) return prewarmed;
  if (sameCapacity(now, facts.previous)) {
    const undoneAt = prewarmed?.undoneAt ?? nowIso();
    return { ...base, status: 'undone', undoneAt, message: `at ${capacityText(now)}, as before the prewarm` };
  }
  if (!sameCapacity(now, base.target)) {
    return {
      ...base,
      status: 'kept',
      message: `not scaled back: changed since the prewarm (now ${capacityText(now)}, the prewarm set ${capacityText(base.target)})`,
    };
  }
  await autoScalingClient(plan.recoveryRegion).send(
    new UpdateAutoScalingGroupCommand({
      AutoScalingGroupName: group.name,
      MinSize: facts.previous.min,
      MaxSize: facts.previous.max,
      DesiredCapacity: facts.previous.desired,
    }),
  );
  return {
    ...base,
    status: 'undone',
    undoneAt: nowIso(),
    message: `raised to ${capacityText(base.target)}, then scaled back to ${capacityText(facts.previous)}`,
  };
}

/**
 * After a run that ends without failing over: every group the prewarm raised goes back to the
 * capacity recorded before it. Idempotent: a group already back is left alone, so a retried undo
 * makes no second call.
 */
export async function unwarmGroups(context: KindContext): Promise<KindSummary> {
  const { plan, scope, dryRun } = context;
  if (dryRun) return summary('unwarm', [], 'dry run: nothing to undo');
  const [recorded, progress] = await Promise.all([
    readPrewarm<(GroupPrewarm | null)[]>(scope, KIND),
    readProgress<GroupProgress[]>(scope, KIND),
  ]);
  const described = await describeGroups(
    plan.recoveryRegion,
    plan.scalingGroups.map((group) => group.name),
  );
  const entries = await mapBounded(plan.scalingGroups, CONCURRENCY, (group, i) => {
    const prewarmed = recorded?.[i] ?? undefined;
    if (prewarmed?.status === 'already-there' || prewarmed?.status === 'kept')
      return Promise.resolve(prewarmed);
    // The failover's Start ran for this group: the group is the failover's now, not the prewarm's.
    if (progress?.[i] !== undefined) {
      const kept: GroupPrewarm | null =
        prewarmed === undefined
          ? null
          : { ...prewarmed, status: 'kept', message: 'not scaled back: the failover scaled it' };
      return Promise.resolve(kept);
    }
    return unwarmGroup(context, group, i, described.get(group.name), prewarmed);
  });
  await writePrewarm(scope, KIND, entries);
  const kept = count(entries, 'kept');
  return summary(
    'unwarm',
    entries,
    [
      `${count(entries, 'undone')} of ${entries.length} groups back to their capacity before the prewarm`,
      ...(kept > 0 ? [`${kept} kept as they are`] : []),
    ].join('; '),
  );
}
