import './support/aws-sdk-matchers.js';
import { GetItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { RDSClient } from '@aws-sdk/client-rds';
import { AuthorizationErrorException, PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { setClientInterceptor } from '../../functions/common/aws-clients.js';
import type { Plan } from '../../functions/common/plan.js';
import type { NotifyInput, WorkflowState } from '../../functions/common/workflow-state.js';
import type { Assessed } from '../../functions/kinds/kind-step.js';
import { handler } from '../../functions/notify/handler.js';
import { notify } from '../../functions/notify/notify.js';
import { lambdaContext } from '../fixtures/lambda-context.js';
import { examplePlan } from '../fixtures/plans.js';
import { mockRecordTable, RECORD_SCOPE, RECORD_TABLE } from '../fixtures/record-table.js';
import {
  alarmTrigger,
  failedState,
  lagCheck,
  OLD_HOST,
  succeededState,
} from '../fixtures/workflow-states.js';

const sns = mockClient(SNSClient);
const rds = mockClient(RDSClient);
const record = mockRecordTable();

const NOW = new Date('2026-11-24T09:07:00.000Z');
const PLAN_TOPIC = 'arn:aws:sns:us-west-2:111111111111:shop-failover';
const CONSTRUCT_TOPIC = 'arn:aws:sns:eu-central-1:222222222222:failover-orchestrator-topic';
const EXECUTION_ID = RECORD_SCOPE.executionId;

/** Deploys `plan` as the CDK construct does (the bundle's FAILOVER_PLAN). */
const deploy = (plan: Plan = examplePlan()) => vi.stubEnv('FAILOVER_PLAN', JSON.stringify(plan));

const input = (kind: NotifyInput['kind'], state: WorkflowState): NotifyInput => ({
  kind,
  executionId: EXECUTION_ID,
  state,
});

/** The message body of the one Publish call. */
const publishedBody = (): string => {
  const [call] = sns.commandCalls(PublishCommand);
  if (call === undefined) throw new Error('nothing was published');
  return call.args[0].input.Message ?? '';
};

beforeEach(() => {
  setClientInterceptor(undefined);
  sns.reset();
  rds.reset();
  record.reset();
  sns.on(PublishCommand).resolves({ MessageId: '95df01b4-ee98-5cb9-9903-4c221d41eb5e' });
  vi.stubEnv('FAILOVER_LOCK_TABLE', RECORD_TABLE);
  deploy();
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(NOW);
});

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllEnvs();
});

describe('notify', () => {
  it("publishes a started message to the deployed plan's topic in the topic's region", async () => {
    // Act
    const notification = await notify(input('started', { trigger: alarmTrigger() }));

    // Assert
    expect(notification).toEqual({
      kind: 'started',
      subject: 'Failover STARTED: shop-prod us-east-1 -> us-west-2',
      messageId: '95df01b4-ee98-5cb9-9903-4c221d41eb5e',
      topicArn: PLAN_TOPIC,
      delivery: 'sent',
    });
    expect(sns).toHaveReceivedCommandExactlyOnceWith(PublishCommand, {
      TopicArn: PLAN_TOPIC,
      Subject: 'Failover STARTED: shop-prod us-east-1 -> us-west-2',
      MessageAttributes: {
        kind: { DataType: 'String', StringValue: 'started' },
        plan: { DataType: 'String', StringValue: 'shop-prod' },
      },
    });
    expect(publishedBody()).toContain('RDS read replicas to fail over: shop-db-replica');
    expect(publishedBody()).toContain('Nothing has been changed yet.');
    const client = sns.call(0).thisValue as SNSClient;
    await expect(client.config.region()).resolves.toBe('us-west-2');
  });

  it('publishes to FAILOVER_TOPIC_ARN, in its region, when the plan names no topic', async () => {
    // Arrange
    vi.stubEnv('FAILOVER_TOPIC_ARN', CONSTRUCT_TOPIC);
    deploy(
      examplePlan((document) => {
        delete document.notifications;
      }),
    );

    // Act
    const notification = await notify(input('aborted', { trigger: alarmTrigger() }));

    // Assert
    expect(notification.topicArn).toBe(CONSTRUCT_TOPIC);
    expect(sns).toHaveReceivedCommandWith(PublishCommand, { TopicArn: CONSTRUCT_TOPIC });
    const client = sns.call(0).thisValue as SNSClient;
    await expect(client.config.region()).resolves.toBe('eu-central-1');
  });

  it("prefers the plan's topic over FAILOVER_TOPIC_ARN", async () => {
    // Arrange
    vi.stubEnv('FAILOVER_TOPIC_ARN', CONSTRUCT_TOPIC);

    // Act
    const notification = await notify(input('started', { trigger: alarmTrigger() }));

    // Assert
    expect(notification.topicArn).toBe(PLAN_TOPIC);
  });

  it('fails before publishing when there is no topic at all', async () => {
    // Arrange
    vi.stubEnv('FAILOVER_TOPIC_ARN', '');
    deploy(
      examplePlan((document) => {
        delete document.notifications;
      }),
    );

    // Act
    const notification = notify(input('started', {}));

    // Assert
    await expect(notification).rejects.toThrow('no notification topic');
    expect(sns).not.toHaveReceivedAnyCommand();
  });

  it('fails before publishing when it was deployed without a plan', async () => {
    // Arrange
    vi.stubEnv('FAILOVER_PLAN', '');

    // Act
    const notification = notify(input('started', {}));

    // Assert
    await expect(notification).rejects.toThrow('FAILOVER_PLAN is not set');
    expect(sns).not.toHaveReceivedAnyCommand();
  });

  it("reports a failure with what each kind's read-back recorded as done and not done", async () => {
    // Arrange
    const assessed: Record<string, Assessed[]> = {
      'rds-replica': [{ label: 'shop-db-replica', done: false, detail: 'still a read replica (failed)' }],
      'auto-scaling-group': [
        { label: 'shop-app-usw2', done: true, detail: 'desired 6 (plan 6), 6 InService' },
      ],
      'ssm-parameter': [
        { label: '/shop/db/host', done: false, detail: `not repointed: holds ${OLD_HOST}` },
        { label: '/shop/db/port', done: false, detail: 'not repointed: holds 5432' },
        { label: '/shop/active-region', done: true, detail: 'points at us-west-2' },
      ],
    };
    for (const [kind, assessment] of Object.entries(assessed))
      record.seed(RECORD_SCOPE, [kind], 'assessment', assessment);
    const state = failedState(
      'Recover',
      'PromotionFailedError',
      'shop-db-replica went failed during promotion',
    );

    // Act
    await notify(input('failed', state));

    // Assert
    expect(publishedBody().split('\n').slice(5)).toEqual([
      'Failed step: Recover',
      'Error: PromotionFailedError: shop-db-replica went failed during promotion',
      'Done (read back from AWS):',
      '- group shop-app-usw2: desired 6 (plan 6), 6 InService',
      '- parameter /shop/active-region: points at us-west-2',
      'Not done:',
      '- replica shop-db-replica: still a read replica (failed)',
      `- parameter /shop/db/host: not repointed: holds ${OLD_HOST}`,
      '- parameter /shop/db/port: not repointed: holds 5432',
      'The workflow stopped here and will not retry by itself. Finish or undo by hand, or start a new execution.',
    ]);
    expect(rds).not.toHaveReceivedAnyCommand();
  });

  it('reads the record of its own execution, consistently', async () => {
    // Act
    await notify(input('failed', failedState('Gate', 'ReplicaLagExceededError', 'lag too high')));

    // Assert
    expect(record.dynamoDb).toHaveReceivedCommandWith(GetItemCommand, {
      TableName: RECORD_TABLE,
      Key: { planName: { S: 'shop-prod#record#run-1#rds-replica' } },
      ConsistentRead: true,
    });
  });

  it('says a resource could not be read back when its kind recorded nothing (Read Back failed)', async () => {
    // Arrange
    const state = failedState(
      'Validate Trigger',
      'InvalidTriggerError',
      'execution input must be an event object, got null',
    );

    // Act
    const notification = await notify(input('failed', state));

    // Assert
    expect(notification).toMatchObject({
      subject: 'Failover FAILED: shop-prod at Validate Trigger',
      topicArn: PLAN_TOPIC,
    });
    expect(publishedBody()).toContain(
      'Error: InvalidTriggerError: execution input must be an event object, got null',
    );
    expect(publishedBody()).toContain('- replica shop-db-replica: unknown: it could not be read back');
    expect(publishedBody()).toContain('Done (read back from AWS): nothing');
  });

  it("lists each resource's recorded progress and states RTO and RPO on success", async () => {
    // Arrange
    record.seed(RECORD_SCOPE, ['rds-replica'], 'progress', [
      { message: 'shop-db-replica is standalone and available' },
    ]);
    record.seed(RECORD_SCOPE, ['rds-replica'], 'gate', [lagCheck(12)]);
    record.seed(RECORD_SCOPE, ['auto-scaling-group'], 'progress', [
      { message: 'shop-app-usw2 has 6/6 InService' },
    ]);
    record.seed(RECORD_SCOPE, ['ssm-parameter'], 'progress', [
      { message: 'repointed a -> b' },
      { message: 'already 5432 -> 5432' },
    ]);

    // Act
    await notify(input('succeeded', succeededState(examplePlan())));

    // Assert
    const body = publishedBody().split('\n');
    expect(body).toEqual(
      expect.arrayContaining([
        '- replica shop-db-replica: shop-db-replica is standalone and available',
        '- group shop-app-usw2: shop-app-usw2 has 6/6 InService',
        '- parameter /shop/db/host: repointed a -> b',
        '- parameter /shop/db/port: already 5432 -> 5432',
        '- parameter /shop/active-region: no step recorded for it',
        // To the last resource done, not to the notice.
        'RTO achieved: 370s (objective 900s)',
        'RPO estimate (replica lag at promotion): 12s (objective 60s)',
      ]),
    );
  });

  it.each(['started', 'aborted'] as const)(
    'reads no kind’s record for a %s message, only its own notification claim',
    async (kind) => {
      // Act
      await notify(input(kind, { trigger: alarmTrigger() }));

      // Assert
      expect(record.dynamoDb).not.toHaveReceivedCommand(GetItemCommand);
      expect(
        record.dynamoDb.commandCalls(UpdateItemCommand).map((call) => call.args[0].input.Key?.planName?.S),
      ).toEqual([
        `shop-prod#record#run-1#notification#${kind}`,
        `shop-prod#record#run-1#notification#${kind}`,
      ]);
    },
  );

  it('returns a null messageId when SNS answers without one', async () => {
    // Arrange
    sns.on(PublishCommand).resolves({});

    // Act
    const notification = await notify(input('started', {}));

    // Assert
    expect(notification.messageId).toBeNull();
  });

  it('lets a Publish error through with its name', async () => {
    // Arrange
    sns
      .on(PublishCommand)
      .rejects(new AuthorizationErrorException({ message: 'not authorized to publish', $metadata: {} }));

    // Act
    const notification = notify(input('started', {}));

    // Assert
    await expect(notification).rejects.toHaveProperty('name', 'AuthorizationErrorException');
  });
});

describe('notify handler', () => {
  it('publishes the notification the definition asks for', async () => {
    // Act
    const notification = await handler(
      input('succeeded', succeededState(examplePlan())),
      lambdaContext('notify'),
    );

    // Assert
    expect(notification).toMatchObject({
      kind: 'succeeded',
      subject: 'Failover SUCCEEDED: shop-prod us-east-1 -> us-west-2',
    });
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 1);
  });
});
