import type { Plan } from '../common/plan.js';
import type { FailoverLock, FailoverLockInput, LockHolder, Trigger } from '../common/workflow-state.js';
import { LockContentionError } from './errors.js';
import { holderStatus, stopPreemptedDrill } from './holder-status.js';
import {
  claimRefusal,
  lockTableName,
  addLateTrigger,
  readLock,
  takeLock,
  type LateTrigger,
  type LockItem,
  type LockTableRef,
} from './lock-table.js';
import { publishRefusal, type Refusal } from './refusal-notice.js';

/**
 * "Acquire Lock": one failover per plan at a time. Runs right after the trigger is validated and
 * before the confirm window, so a duplicate ends within a second instead of after the window.
 *
 * - Free lock: take it (conditional write). A lock whose holder is no longer running (failed,
 *   stopped, timed out, unknown to Step Functions) is taken over the same way, conditioned on
 *   that very holder: of two executions reclaiming it at once, exactly one wins.
 * - Held by a running execution: `duplicate`, nothing written, nobody paged (the holder reports).
 *   Exception: a live failover takes the lock from a running dry-run drill and stops the drill;
 *   a rehearsal never delays the real thing.
 * - The same event delivered again after its execution finished (EventBridge delivers at least
 *   once): `duplicate`.
 * - An alarm within `triggers.minMinutesBetweenExecutions` of the last live failover's start:
 *   `refused`: the lock is not taken, nothing of the stack is touched, and a notification says
 *   why and until when (once per event: its duplicate deliveries end as `duplicate`). A manual drill
 *   request is a person's decision and is not refused; dry runs take the lock (they never run
 *   beside a failover) but neither count for the interval nor are refused by it.
 */

/** A lost race means someone else now holds the lock; more rounds than this means something is wrong. */
const MAX_ROUNDS = 3;

type AcquireInput = Extract<FailoverLockInput, { action: 'acquire' }> & { readonly plan: Plan };

interface Attempt {
  readonly ref: LockTableRef;
  readonly plan: Plan;
  readonly trigger: Trigger;
  readonly executionArn: string;
  readonly triggerKey: string;
  readonly base: Omit<FailoverLock, 'decision' | 'message'>;
}

type Decision =
  | { readonly kind: 'done'; readonly lock: FailoverLock }
  | { readonly kind: 'refuse'; readonly refusal: Refusal }
  | { readonly kind: 'late'; readonly holder: LockHolder; readonly late: LateTrigger }
  | {
      readonly kind: 'take';
      readonly reclaimedFrom?: LockHolder;
      readonly preempt?: LockHolder;
      readonly tookOverFrom?: LockHolder;
    };

/** Identifies the event: the same alarm transition (or drill request) delivered twice has the same key. */
export function triggerKey(trigger: Trigger): string {
  return trigger.kind === 'alarm'
    ? `alarm:${trigger.alarmRegion}/${trigger.alarmName}@${trigger.triggeredAt}`
    : `drill:${trigger.requestedBy ?? ''}@${trigger.triggeredAt}`;
}

function describeTrigger(trigger: Trigger): string {
  return trigger.kind === 'alarm'
    ? `alarm "${trigger.alarmName}" (${trigger.alarmRegion}) entering ALARM at ${trigger.triggeredAt}`
    : `drill requested by ${trigger.requestedBy} at ${trigger.triggeredAt}`;
}

const duplicate = (attempt: Attempt, heldBy: LockHolder, message: string): Decision => ({
  kind: 'done',
  lock: { ...attempt.base, decision: 'duplicate', heldBy, message },
});

async function decide(attempt: Attempt, item: LockItem | undefined): Promise<Decision> {
  const { plan, trigger, executionArn } = attempt;
  const holder = item?.holder;
  if (holder?.executionArn === executionArn) {
    // A retried invocation (or a retried write whose response was lost) finds its own lock.
    return {
      kind: 'done',
      lock: {
        ...attempt.base,
        decision: 'acquired',
        acquiredAt: holder.acquiredAt,
        version: item!.version,
        message: 'lock already held by this execution (the step was retried)',
      },
    };
  }
  let reclaimedFrom: LockHolder | undefined;
  if (holder !== undefined) {
    const status = await holderStatus(holder.executionArn);
    const seen: LockHolder = {
      executionArn: holder.executionArn,
      acquiredAt: holder.acquiredAt,
      dryRun: holder.dryRun,
      status,
    };
    if (status === 'RUNNING') {
      if (holder.dryRun && !trigger.dryRun) return { kind: 'take', preempt: seen };
      const late = lateTriggerOf(attempt, item!);
      if (late !== undefined) {
        // Another plan alarm: a real outage must not be lost as a duplicate. While the holder has
        // not decided, it re-checks this alarm too; once it found all its alarms back to OK (it is
        // aborting, having changed nothing), this trigger takes the lock over and confirms itself.
        if (item?.holderVerdict === 'aborted') return { kind: 'take', tookOverFrom: seen };
        return { kind: 'late', holder: seen, late };
      }
      const what = holder.dryRun ? 'a dry-run drill' : 'a failover';
      return duplicate(
        attempt,
        seen,
        `${what} of plan ${plan.name} is already running in execution ${holder.executionArn} (it holds the lock since ${holder.acquiredAt}): ` +
          'this execution is a duplicate and ends here; nothing was changed, nobody was paged',
      );
    }
    reclaimedFrom = seen;
  }
  // Only a lock released normally proves the previous execution saw its event through; a crashed
  // holder's event must be handled again, so it is not a duplicate.
  if (
    holder === undefined &&
    item?.lastTrigger === attempt.triggerKey &&
    item.lastTriggerExecution !== undefined
  ) {
    return duplicate(
      attempt,
      { executionArn: item.lastTriggerExecution, dryRun: trigger.dryRun },
      `this event (${describeTrigger(trigger)}) was already handled by execution ${item.lastTriggerExecution}: ` +
        'a duplicate delivery; nothing was changed, nobody was paged',
    );
  }
  const minutes = plan.triggers.minMinutesBetweenExecutions;
  const last = item?.lastFailoverStartedAt;
  if (trigger.kind === 'alarm' && !trigger.dryRun && minutes > 0 && last !== undefined) {
    const nextAllowedMs = Date.parse(last) + minutes * 60_000;
    if (Date.now() < nextAllowedMs) {
      const refusedBy = item?.lastRefusedExecution;
      if (
        item?.lastRefusedTrigger === attempt.triggerKey &&
        refusedBy !== undefined &&
        refusedBy !== executionArn
      ) {
        return duplicate(
          attempt,
          { executionArn: refusedBy, dryRun: false },
          `this event (${describeTrigger(trigger)}) was already refused by execution ${refusedBy}, which notified why: ` +
            'a duplicate delivery; nothing was changed, nobody was paged again',
        );
      }
      return {
        kind: 'refuse',
        refusal: {
          lastFailoverStartedAt: last,
          lastFailoverExecution: item?.lastFailoverExecution,
          nextAllowedAt: new Date(nextAllowedMs).toISOString(),
        },
      };
    }
  }
  return { kind: 'take', ...(reclaimedFrom ? { reclaimedFrom } : {}) };
}

/**
 * This alarm trigger as a late trigger of the running holder, or undefined when it is the
 * holder's own event or one already recorded (a duplicate delivery) or not a live alarm.
 */
function lateTriggerOf(attempt: Attempt, item: LockItem): LateTrigger | undefined {
  const { trigger } = attempt;
  if (trigger.kind !== 'alarm' || trigger.dryRun) return undefined;
  if (item.holder?.trigger === attempt.triggerKey) return undefined;
  if (item.lateTriggers?.some((late) => late.key === attempt.triggerKey)) return undefined;
  return {
    key: attempt.triggerKey,
    alarmName: trigger.alarmName ?? '',
    alarmRegion: trigger.alarmRegion ?? '',
    triggeredAt: trigger.triggeredAt,
    executionArn: attempt.executionArn,
  };
}

function acquiredMessage(attempt: Attempt, decision: Extract<Decision, { kind: 'take' }>): string {
  const parts = [`lock of plan ${attempt.plan.name} acquired`];
  if (decision.reclaimedFrom) {
    const from = decision.reclaimedFrom;
    parts.push(
      `taken over from execution ${from.executionArn} (${from.status}, holding it since ${from.acquiredAt}), which can no longer release it`,
    );
  }
  if (decision.tookOverFrom)
    parts.push(
      `taken over from execution ${decision.tookOverFrom.executionArn}, whose confirmation found its alarms back to OK (it aborts, having changed nothing): this alarm is confirmed on its own`,
    );
  if (decision.preempt)
    parts.push(
      `taken from the running dry-run drill ${decision.preempt.executionArn}: a dry run never delays a real failover`,
    );
  const last = attempt.base.lastFailoverStartedAt;
  if (attempt.trigger.kind === 'drill' && !attempt.trigger.dryRun && last !== undefined) {
    parts.push(`last failover started at ${last}; a manual drill is not subject to the minimum interval`);
  }
  if (attempt.trigger.dryRun)
    parts.push('dry run: it does not count for the minimum interval between failovers');
  return parts.join('; ');
}

export async function acquireLock({ plan, trigger, executionId }: AcquireInput): Promise<FailoverLock> {
  const ref: LockTableRef = { tableName: lockTableName(), region: plan.recoveryRegion, planName: plan.name };
  const common = {
    planName: plan.name,
    tableName: ref.tableName,
    region: ref.region,
    executionArn: executionId,
    dryRun: trigger.dryRun,
  };
  let item = await readLock(ref);
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const last = item?.lastFailoverStartedAt;
    const attempt: Attempt = {
      ref,
      plan,
      trigger,
      executionArn: executionId,
      triggerKey: triggerKey(trigger),
      base: { ...common, ...(last !== undefined ? { lastFailoverStartedAt: last } : {}) },
    };
    const decision = await decide(attempt, item);
    if (decision.kind === 'done') return decision.lock;
    if (decision.kind === 'late') {
      const outcome = await addLateTrigger(ref, item!, decision.late);
      if (outcome.written) {
        return {
          ...attempt.base,
          decision: 'duplicate',
          heldBy: decision.holder,
          lateTrigger: true,
          message:
            `a failover of plan ${plan.name} is already running in execution ${decision.holder.executionArn}: ` +
            `${describeTrigger(trigger)} is recorded on its lock, and that execution re-checks this alarm before it decides; ` +
            'this execution ends here; nothing was changed, nobody was paged',
        };
      }
      item = outcome.current ?? (await readLock(ref));
      continue;
    }
    if (decision.kind === 'refuse') {
      // Nothing of the stack is touched; the claim only keeps duplicates of this event quiet.
      const claim = await claimRefusal(ref, executionId, attempt.triggerKey);
      if (!claim.written) {
        item = claim.current ?? (await readLock(ref));
        continue;
      }
      const { refusal } = decision;
      const notification = await publishRefusal(plan, trigger, refusal);
      return {
        ...attempt.base,
        decision: 'refused',
        nextAllowedAt: refusal.nextAllowedAt,
        notification,
        message:
          `the last failover of plan ${plan.name} started at ${refusal.lastFailoverStartedAt}` +
          `${refusal.lastFailoverExecution ? ` (execution ${refusal.lastFailoverExecution})` : ''}, within the minimum interval of ` +
          `${plan.triggers.minMinutesBetweenExecutions} min (triggers.minMinutesBetweenExecutions): no alarm may start another before ` +
          `${refusal.nextAllowedAt}; nothing was changed and the refusal was notified`,
      };
    }
    const acquiredAt = new Date().toISOString();
    const outcome = await takeLock(ref, {
      executionArn: executionId,
      acquiredAt,
      dryRun: trigger.dryRun,
      trigger: attempt.triggerKey,
      seen: item,
    });
    if (outcome.written) {
      const preempted = decision.preempt
        ? { ...decision.preempt, ...(await stopPreemptedDrill(decision.preempt.executionArn, executionId)) }
        : undefined;
      return {
        ...attempt.base,
        decision: 'acquired',
        acquiredAt,
        version: (item?.version ?? 0) + 1,
        ...(decision.reclaimedFrom ? { reclaimedFrom: decision.reclaimedFrom } : {}),
        ...(decision.tookOverFrom ? { tookOverFrom: decision.tookOverFrom } : {}),
        ...(preempted ? { preempted } : {}),
        message: acquiredMessage(attempt, decision),
      };
    }
    // Lost the race: decide again on the item that won (an injected failure may come without it).
    item = outcome.current ?? (await readLock(ref));
  }
  throw new LockContentionError(
    `the failover lock of plan ${plan.name} changed ${MAX_ROUNDS} times while this execution tried to take it`,
  );
}
