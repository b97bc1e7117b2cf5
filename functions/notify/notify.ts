import { PublishCommand } from '@aws-sdk/client-sns';
import { snsClient } from '../common/clients/sns.js';
import { deployedPlan, notificationTopicArn } from '../common/config.js';
import type { Notification, NotifyInput } from '../common/workflow-state.js';
import { assessFailover } from './assess.js';
import { composeMessage } from './compose.js';

/**
 * Publishes one notification to the plan's topic in the recovery region. Every path through
 * the workflow ends here: started, succeeded, aborted (no change) or failed (with what was and
 * was not done, read back from AWS).
 */
export async function notify({ kind, state }: NotifyInput): Promise<Notification> {
  const plan = state.plan ?? deployedPlan();
  const topicArn = notificationTopicArn(plan);
  const assessment = kind === 'failed' ? await assessFailover(plan) : [];
  const message = composeMessage(kind, plan, state, assessment, new Date());
  const region = topicArn.split(':')[3] ?? plan.recoveryRegion;
  const response = await snsClient(region).send(
    new PublishCommand({
      TopicArn: topicArn,
      Subject: message.subject,
      Message: message.body,
      MessageAttributes: {
        kind: { DataType: 'String', StringValue: kind },
        plan: { DataType: 'String', StringValue: plan.name },
      },
    }),
  );
  return { kind, subject: message.subject, messageId: response.MessageId ?? null, topicArn };
}
