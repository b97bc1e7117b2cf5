import { PublishCommand } from '@aws-sdk/client-sns';
import { snsClient } from '../common/clients/sns.js';
import { notificationTopicArn } from '../common/config.js';
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

/** SNS subjects are printable ASCII and "must be less than 100 characters" (SNS API reference): at most 99. */
const subjectLine = (text: string): string => text.replace(/[^\x20-\x7e]/g, '?').slice(0, 99);

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
  const topicArn = notificationTopicArn(plan);
  const message = refusalMessage(plan, trigger, refusal, new Date());
  const response = await snsClient(topicArn.split(':')[3] ?? plan.recoveryRegion).send(
    new PublishCommand({
      TopicArn: topicArn,
      Subject: message.subject,
      Message: message.body,
      MessageAttributes: {
        kind: { DataType: 'String', StringValue: 'refused' },
        plan: { DataType: 'String', StringValue: plan.name },
      },
    }),
  );
  return { subject: message.subject, messageId: response.MessageId ?? null, topicArn };
}
