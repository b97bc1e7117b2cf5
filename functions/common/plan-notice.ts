import { PublishCommand } from '@aws-sdk/client-sns';
import type { ClientOptions } from './aws-clients.js';
import { snsClient } from './clients/sns.js';
import { notificationTopicArn } from './config.js';
import type { Plan } from './plan.js';

/** SNS subjects are printable ASCII and "must be less than 100 characters" (SNS API reference): at most 99. */
export const subjectLine = (text: string): string => text.replace(/[^\x20-\x7e]/g, '?').slice(0, 99);

/**
 * Publishes a notice outside the workflow's Notify step (a refused failover, a fence retry) to
 * the plan's topic, with the `kind` and `plan` message attributes subscribers filter on.
 */
export async function publishPlanNotice(
  plan: Plan,
  kind: string,
  notice: { readonly subject: string; readonly body: string },
  options?: ClientOptions,
): Promise<{ subject: string; messageId: string | null; topicArn: string }> {
  const topicArn = notificationTopicArn(plan);
  const response = await snsClient(topicArn.split(':')[3] ?? plan.recoveryRegion, options).send(
    new PublishCommand({
      TopicArn: topicArn,
      Subject: notice.subject,
      Message: notice.body,
      MessageAttributes: {
        kind: { DataType: 'String', StringValue: kind },
        plan: { DataType: 'String', StringValue: plan.name },
      },
    }),
  );
  return { subject: notice.subject, messageId: response.MessageId ?? null, topicArn };
}
