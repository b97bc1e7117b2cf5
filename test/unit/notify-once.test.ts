import './support/aws-sdk-matchers.js';
import { PublishCommand, SNSClient, ThrottledException } from '@aws-sdk/client-sns';
import { UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { setClientInterceptor } from '../../functions/common/aws-clients.js';
import type { NotifyInput } from '../../functions/common/workflow-state.js';
import { notify } from '../../functions/notify/notify.js';
import { examplePlan } from '../fixtures/plans.js';
import { mockRecordTable, RECORD_SCOPE, RECORD_TABLE } from '../fixtures/record-table.js';
import { alarmTrigger } from '../fixtures/workflow-states.js';

const sns = mockClient(SNSClient);
const record = mockRecordTable();

const MESSAGE_ID = '95df01b4-ee98-5cb9-9903-4c221d41eb5e';
const started: NotifyInput = {
  kind: 'started',
  executionId: RECORD_SCOPE.executionId,
  state: { trigger: alarmTrigger() },
};

/** What the SDK raises when a request got no answer in time: no HTTP status, the message may be out. */
const lostResponse = (): Error =>
  Object.assign(new Error('a request has exceeded the configured 10000 ms requestTimeout.'), {
    name: 'TimeoutError',
  });

beforeEach(() => {
  setClientInterceptor(undefined);
  sns.reset();
  record.reset();
  vi.stubEnv('FAILOVER_LOCK_TABLE', RECORD_TABLE);
  vi.stubEnv('FAILOVER_PLAN', JSON.stringify(examplePlan()));
});

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('notify: one message per execution and kind', () => {
  it('does not publish again when the step is re-run after it published', async () => {
    // Arrange
    sns.on(PublishCommand).resolves({ MessageId: MESSAGE_ID });
    const first = await notify(started);

    // Act: Step Functions' Retry runs the step again (its result was lost on the way back).
    const again = await notify(started);

    // Assert
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 1);
    expect(first).toMatchObject({ messageId: MESSAGE_ID, delivery: 'sent' });
    expect(again).toEqual({ ...first, delivery: 'already-sent' });
  });

  it('does not publish again after a Publish whose response was lost', async () => {
    // Arrange: the message went out, the answer never came.
    sns.on(PublishCommand).rejectsOnce(lostResponse()).resolves({ MessageId: MESSAGE_ID });
    await expect(notify(started)).rejects.toHaveProperty('name', 'TimeoutError');

    // Act
    const again = notify(started);

    // Assert: not sent twice, and the step fails so that the execution alarm tells people.
    await expect(again).rejects.toHaveProperty('name', 'NotificationUnconfirmedError');
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 1);
  });

  it('publishes without a claim when the failover record cannot be written', async () => {
    // Arrange: DynamoDB refuses every write; SNS works.
    record.dynamoDb.on(UpdateItemCommand).rejects(new Error('ProvisionedThroughputExceededException'));
    sns.on(PublishCommand).resolves({ MessageId: MESSAGE_ID });

    // Act
    const sent = await notify(started);

    // Assert
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 1);
    expect(sent).toMatchObject({ messageId: MESSAGE_ID, delivery: 'unclaimed' });
  });

  it('publishes on the retry when SNS itself refused the message', async () => {
    // Arrange: an answer from SNS: it did not take the message.
    sns
      .on(PublishCommand)
      .rejectsOnce(new ThrottledException({ message: 'Rate exceeded', $metadata: { httpStatusCode: 400 } }))
      .resolves({ MessageId: MESSAGE_ID });
    await expect(notify(started)).rejects.toHaveProperty('name', 'ThrottledException');

    // Act
    const again = await notify(started);

    // Assert
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 2);
    expect(again).toMatchObject({ messageId: MESSAGE_ID, delivery: 'sent' });
  });

  it('sends each kind once: a STARTED and a FAILED of one execution are both sent', async () => {
    // Arrange
    sns.on(PublishCommand).resolves({ MessageId: MESSAGE_ID });

    // Act
    await notify(started);
    await notify({ ...started, kind: 'aborted' });

    // Assert
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 2);
  });
});
