import { publishPlanNotice, subjectLine } from '../common/plan-notice.js';
import type { Plan } from '../common/plan.js';
import type { FailoverLock, Trigger } from '../common/workflow-state.js';

/**
 * A failover refused by the minimum interval is news during an incident: the alarm says the
 * primary is down and the orchestrator is not acting. Say so, say why and say what to do.
 * (Pure duplicates of a running execution publish nothing: that execution reports.)
 */

export interface Refusal {
  readonly lastFailoverStartedAt: string;
  readonly lastFailoverExecution: string | undefined;
  readonly nextAllowedAt: string;
}

export function refusalMessage(
  plan: Plan,
  trigger: Trigger,
  refusal: Refusal,
  now: Date,
): { subject: string; body: string } {
  const minutes = plan.triggers.minMinutesBetweenExecutions;
  const ago = Math.floor((now.getTime() - Date.parse(refusal.lastFailoverStartedAt)) / 60_000);
  const header = `Failover REFUSED: ${plan.name}, last failover started ${ago} min ago`;
  const what =
    trigger.kind === 'alarm'
      ? `alarm "${trigger.alarmName}" (${trigger.alarmRegion}) entered ALARM at ${trigger.triggeredAt}: ${trigger.reason}`
      : `drill requested by ${trigger.requestedBy} at ${trigger.triggeredAt}: ${trigger.reason}`;
  const body = [
    header,
    '',
    `Trigger: ${what}`,
    `Execution: ${trigger.executionId}`,
    '',
    `Refused: the last failover of ${plan.name} started at ${refusal.lastFailoverStartedAt}` +
      `${refusal.lastFailoverExecution ? ` (execution ${refusal.lastFailoverExecution})` : ''}, ${ago} min ago; ` +
      `the minimum interval between failovers is ${minutes} min (triggers.minMinutesBetweenExecutions).`,
    'Nothing was changed by this execution.',
    `An alarm can start the next failover from ${refusal.nextAllowedAt}. If the stack needs one now, ` +
      'start it by hand (a manual drill request is not subject to the interval).',
  ].join('\n');
  return { subject: subjectLine(header), body };
}

/** Publishes the refusal to the plan's topic; an error propagates (the step is retried, nothing was written). */
export async function publishRefusal(
  plan: Plan,
  trigger: Trigger,
  refusal: Refusal,
): Promise<NonNullable<FailoverLock['notification']>> {
  return publishPlanNotice(plan, 'refused', refusalMessage(plan, trigger, refusal, new Date()));
}
