import { randomUUID } from 'node:crypto';
import {
  ConditionalCheckFailedException,
  UpdateItemCommand,
  type AttributeValue,
} from '@aws-sdk/client-dynamodb';
import { dynamoDbClient } from '../common/clients/dynamodb.js';
import { recordKey, recordTableName, type RecordScope } from '../common/failover-record.js';
import { nowIso } from '../common/step-handler.js';
import type { NotificationKind } from '../common/workflow-state.js';

/**
 * Each notification is published at most once per execution and kind, whatever Retry does: the
 * failover record gets a claim before Publish (`sending`) and the MessageId after it (`sent`).
 * SNS Publish is not idempotent, so a retry that finds a claim whose Publish never answered (its
 * response was lost: the message may well have gone out) does not publish again: one lost
 * response once produced two SUCCEEDED messages. Only an error SNS itself returned (the message
 * was not accepted) releases the claim (`failed`) for the retry to publish.
 *
 * One item per execution and kind: `<plan>#record#<execution>#notification#<kind>`, attributes
 * `noticeStatus` (sending | sent | failed), `subject`, `messageId`, `claimedAt`, `sentAt`.
 */

export type NoticeStatus = 'sending' | 'sent' | 'failed';

export interface NoticeRecord {
  readonly status: NoticeStatus;
  readonly subject?: string;
  readonly messageId?: string;
  /** Which attempt claimed it: the SDK's retry of a claim whose answer was lost finds its own. */
  readonly claimToken?: string;
}

const keyOf = (scope: RecordScope, kind: NotificationKind): Record<string, AttributeValue> => ({
  planName: { S: recordKey(scope, 'notification', kind) },
});

const regionOf = (scope: RecordScope): string => scope.executionId.split(':')[3] ?? '';

function noticeOf(item: Record<string, AttributeValue> | undefined): NoticeRecord | undefined {
  const status = item?.noticeStatus?.S;
  if (status !== 'sending' && status !== 'sent' && status !== 'failed') return undefined;
  return {
    status,
    ...(item?.subject?.S !== undefined ? { subject: item.subject.S } : {}),
    ...(item?.messageId?.S !== undefined ? { messageId: item.messageId.S } : {}),
    ...(item?.claimToken?.S !== undefined ? { claimToken: item.claimToken.S } : {}),
  };
}

async function update(
  scope: RecordScope,
  kind: NotificationKind,
  update: string,
  condition: string,
  values: Record<string, AttributeValue>,
): Promise<{ written: true } | { written: false; current: NoticeRecord | undefined }> {
  const names = Object.fromEntries(
    [...`${update} ${condition}`.matchAll(/#(\w+)/g)].map((match) => [`#${match[1]}`, match[1] ?? '']),
  );
  try {
    await dynamoDbClient(regionOf(scope)).send(
      new UpdateItemCommand({
        TableName: recordTableName(),
        Key: keyOf(scope, kind),
        UpdateExpression: update,
        ConditionExpression: condition,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    );
    return { written: true };
  } catch (error) {
    if (
      error instanceof ConditionalCheckFailedException ||
      (error as Error).name === 'ConditionalCheckFailedException'
    )
      return { written: false, current: noticeOf((error as ConditionalCheckFailedException).Item) };
    throw error;
  }
}

/**
 * Claims the right to publish this execution's `kind` notification. Returns undefined when
 * claimed, else what is recorded (`sending`: an earlier attempt's Publish never answered; `sent`).
 */
export async function claimNotice(
  scope: RecordScope,
  kind: NotificationKind,
  subject: string,
): Promise<NoticeRecord | undefined> {
  // The SDK retries a claim whose answer was lost; when the lost attempt was applied, the retry
  // finds this very claim: the token tells it apart from an earlier attempt of the step.
  const token = randomUUID();
  const outcome = await update(
    scope,
    kind,
    'SET #noticeStatus = :sending, #subject = :subject, #claimedAt = :now, #claimToken = :token',
    'attribute_not_exists(#noticeStatus) OR #noticeStatus = :failed',
    {
      ':sending': { S: 'sending' },
      ':failed': { S: 'failed' },
      ':subject': { S: subject },
      ':now': { S: nowIso() },
      ':token': { S: token },
    },
  );
  if (outcome.written) return undefined;
  if (outcome.current?.status === 'sending' && outcome.current.claimToken === token) return undefined;
  // The condition failed but no item came back (DynamoDB returns it with ALL_OLD): what is
  // recorded is unknown, so the caller treats the record as unavailable and publishes.
  if (outcome.current === undefined)
    throw new Error('the notice claim failed but the record returned nothing');
  return outcome.current;
}

/** Publish answered: the message is out. */
export async function recordSent(
  scope: RecordScope,
  kind: NotificationKind,
  messageId: string,
): Promise<void> {
  await update(
    scope,
    kind,
    'SET #noticeStatus = :sent, #messageId = :id, #sentAt = :now',
    '#noticeStatus = :sending',
    {
      ':sent': { S: 'sent' },
      ':sending': { S: 'sending' },
      ':id': { S: messageId },
      ':now': { S: nowIso() },
    },
  );
}

/** SNS refused the message: a retry may publish it. */
export async function releaseNotice(scope: RecordScope, kind: NotificationKind): Promise<void> {
  await update(scope, kind, 'SET #noticeStatus = :failed', '#noticeStatus = :sending', {
    ':failed': { S: 'failed' },
    ':sending': { S: 'sending' },
  });
}
