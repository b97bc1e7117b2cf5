import './support/aws-sdk-matchers.js';
import { AutoScalingClient, DescribeAutoScalingGroupsCommand } from '@aws-sdk/client-auto-scaling';
import { DescribeDBInstancesCommand, RDSClient } from '@aws-sdk/client-rds';
import { AuthorizationErrorException, PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { setClientInterceptor } from '../../functions/common/aws-clients.js';
import type { NotifyInput } from '../../functions/common/workflow-state.js';
import { handler } from '../../functions/notify/handler.js';
import { notify } from '../../functions/notify/notify.js';
import {
  describeDBInstancesOutput,
  describeGroupsOutput,
  groupInstances,
  replicaInstance,
  scalingGroup,
} from '../fixtures/aws-fixtures.js';
import { lambdaContext } from '../fixtures/lambda-context.js';
import { examplePlan, examplePlanDocument } from '../fixtures/plans.js';
import { alarmTrigger, failedState, succeededState } from '../fixtures/workflow-states.js';

const sns = mockClient(SNSClient);
const rds = mockClient(RDSClient);
const autoScaling = mockClient(AutoScalingClient);
const ssm = mockClient(SSMClient);

const NOW = new Date('2026-11-24T09:07:00.000Z');
const PLAN_TOPIC = 'arn:aws:sns:us-west-2:111111111111:shop-failover';
const CONSTRUCT_TOPIC = 'arn:aws:sns:eu-central-1:222222222222:failover-orchestrator-topic';

/** The message body of the one Publish call. */
const publishedBody = (): string => {
  const [call] = sns.commandCalls(PublishCommand);
  if (call === undefined) throw new Error('nothing was published');
  return call.args[0].input.Message ?? '';
};

beforeEach(() => {
  setClientInterceptor(undefined);
  for (const mock of [sns, rds, autoScaling, ssm]) mock.reset();
  sns.on(PublishCommand).resolves({ MessageId: '95df01b4-ee98-5cb9-9903-4c221d41eb5e' });
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(NOW);
});

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllEnvs();
});

describe('notify', () => {
  it("publishes a started message to the plan's topic in the topic's region", async () => {
    // Arrange
    const plan = examplePlan();

    // Act
    const notification = await notify({ kind: 'started', state: { plan, trigger: alarmTrigger() } });

    // Assert
    expect(notification).toEqual({
      kind: 'started',
      subject: 'Failover STARTED: shop-prod us-east-1 -> us-west-2',
      messageId: '95df01b4-ee98-5cb9-9903-4c221d41eb5e',
      topicArn: PLAN_TOPIC,
    });
    expect(sns).toHaveReceivedCommandExactlyOnceWith(PublishCommand, {
      TopicArn: PLAN_TOPIC,
      Subject: 'Failover STARTED: shop-prod us-east-1 -> us-west-2',
      MessageAttributes: {
        kind: { DataType: 'String', StringValue: 'started' },
        plan: { DataType: 'String', StringValue: 'shop-prod' },
      },
    });
    expect(publishedBody()).toContain('Nothing has been changed yet.');
    const client = sns.call(0).thisValue as SNSClient;
    await expect(client.config.region()).resolves.toBe('us-west-2');
  });

  it('publishes to FAILOVER_TOPIC_ARN, in its region, when the plan names no topic', async () => {
    // Arrange
    vi.stubEnv('FAILOVER_TOPIC_ARN', CONSTRUCT_TOPIC);
    const plan = examplePlan((document) => {
      delete document.notifications;
    });

    // Act
    const notification = await notify({ kind: 'aborted', state: { plan, trigger: alarmTrigger() } });

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
    const notification = await notify({
      kind: 'started',
      state: { plan: examplePlan(), trigger: alarmTrigger() },
    });

    // Assert
    expect(notification.topicArn).toBe(PLAN_TOPIC);
  });

  it('fails before publishing when there is no topic at all', async () => {
    // Arrange
    vi.stubEnv('FAILOVER_TOPIC_ARN', '');
    const plan = examplePlan((document) => {
      delete document.notifications;
    });

    // Act
    const notification = notify({ kind: 'started', state: { plan } });

    // Assert
    await expect(notification).rejects.toThrow('no notification topic');
    expect(sns).not.toHaveReceivedAnyCommand();
  });

  it('uses the deployed plan from FAILOVER_PLAN when the state has none (Validate Trigger failed)', async () => {
    // Arrange
    vi.stubEnv('FAILOVER_PLAN', JSON.stringify(examplePlanDocument()));
    rds
      .on(DescribeDBInstancesCommand)
      .resolves(describeDBInstancesOutput(replicaInstance('shop-db-replica')));
    autoScaling
      .on(DescribeAutoScalingGroupsCommand)
      .resolves(describeGroupsOutput(scalingGroup('shop-app-usw2')));
    ssm.on(GetParameterCommand).resolves({ Parameter: { Value: 'unchanged' } });
    const state = failedState(
      undefined,
      'Validate Trigger',
      'InvalidTriggerError',
      'execution input must be an event object, got null',
    );

    // Act
    const notification = await notify({ kind: 'failed', state });

    // Assert
    expect(notification).toMatchObject({
      subject: 'Failover FAILED: shop-prod at Validate Trigger',
      topicArn: PLAN_TOPIC,
    });
    expect(publishedBody()).toContain(
      'Error: InvalidTriggerError: execution input must be an event object, got null',
    );
  });

  it('reads back from AWS what was and was not done before reporting a failure', async () => {
    // Arrange
    const plan = examplePlan();
    rds
      .on(DescribeDBInstancesCommand)
      .resolves(
        describeDBInstancesOutput(replicaInstance('shop-db-replica', { DBInstanceStatus: 'failed' })),
      );
    autoScaling
      .on(DescribeAutoScalingGroupsCommand)
      .resolves(
        describeGroupsOutput(
          scalingGroup('shop-app-usw2', { DesiredCapacity: 6, Instances: groupInstances(6) }),
        ),
      );
    ssm
      .on(GetParameterCommand)
      .resolves({ Parameter: { Value: 'shop-db.cluster0abc.us-east-1.rds.amazonaws.com' } });
    ssm
      .on(GetParameterCommand, { Name: '/shop/active-region' })
      .resolves({ Parameter: { Value: 'us-west-2' } });
    const state = failedState(
      plan,
      'Promote And Scale',
      'PromotionFailedError',
      'shop-db-replica went failed during promotion',
    );

    // Act
    await notify({ kind: 'failed', state });

    // Assert
    expect(rds).toHaveReceivedCommandWith(DescribeDBInstancesCommand, {
      DBInstanceIdentifier: 'shop-db-replica',
    });
    expect(autoScaling).toHaveReceivedCommandWith(DescribeAutoScalingGroupsCommand, {
      AutoScalingGroupNames: ['shop-app-usw2'],
    });
    expect(publishedBody().split('\n').slice(5)).toEqual([
      'Failed step: Promote And Scale',
      'Error: PromotionFailedError: shop-db-replica went failed during promotion',
      'Done (read back from AWS):',
      '- group shop-app-usw2: desired 6 (plan 6), 6 InService',
      '- parameter /shop/active-region: points at us-west-2',
      'Not done:',
      '- database shop-db-replica: still a read replica (failed)',
      '- parameter /shop/db/host: not repointed: holds shop-db.cluster0abc.us-east-1.rds.amazonaws.com',
      '- parameter /shop/db/port: not repointed: holds shop-db.cluster0abc.us-east-1.rds.amazonaws.com',
      'The workflow stopped here and will not retry by itself. Finish or undo by hand, or start a new execution.',
    ]);
  });

  it.each(['started', 'succeeded', 'aborted'] as const)(
    'reads nothing back from AWS for a %s message',
    async (kind) => {
      // Arrange
      const plan = examplePlan();

      // Act
      await notify({ kind, state: succeededState(plan) });

      // Assert
      expect(rds).not.toHaveReceivedAnyCommand();
      expect(autoScaling).not.toHaveReceivedAnyCommand();
      expect(ssm).not.toHaveReceivedAnyCommand();
    },
  );

  it('reports RTO and RPO against the objectives on success', async () => {
    // Act
    await notify({ kind: 'succeeded', state: succeededState(examplePlan()) });

    // Assert
    expect(publishedBody()).toContain('RTO achieved: 420s (objective 900s)');
    expect(publishedBody()).toContain('RPO estimate (replica lag at promotion): 12s (objective 60s)');
  });

  it('returns a null messageId when SNS answers without one', async () => {
    // Arrange
    sns.on(PublishCommand).resolves({});

    // Act
    const notification = await notify({ kind: 'started', state: { plan: examplePlan() } });

    // Assert
    expect(notification.messageId).toBeNull();
  });

  it('lets a Publish error through with its name', async () => {
    // Arrange
    sns
      .on(PublishCommand)
      .rejects(new AuthorizationErrorException({ message: 'not authorized to publish', $metadata: {} }));

    // Act
    const notification = notify({ kind: 'started', state: { plan: examplePlan() } });

    // Assert
    await expect(notification).rejects.toHaveProperty('name', 'AuthorizationErrorException');
  });
});

describe('notify handler', () => {
  it('publishes the notification the ASL asks for', async () => {
    // Arrange
    const input: NotifyInput = { kind: 'succeeded', state: succeededState(examplePlan()) };

    // Act
    const notification = await handler(input, lambdaContext('notify'));

    // Assert
    expect(notification).toMatchObject({
      kind: 'succeeded',
      subject: 'Failover SUCCEEDED: shop-prod us-east-1 -> us-west-2',
    });
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 1);
  });
});
