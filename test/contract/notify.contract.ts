import {
  CreateAutoScalingGroupCommand,
  CreateLaunchConfigurationCommand,
} from '@aws-sdk/client-auto-scaling';
import { CreateDBInstanceCommand, CreateDBInstanceReadReplicaCommand } from '@aws-sdk/client-rds';
import { CreateTopicCommand, SubscribeCommand } from '@aws-sdk/client-sns';
import { PutParameterCommand } from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Plan } from '../../functions/common/plan.js';
import type { NotifyInput, Trigger, WorkflowState } from '../../functions/common/workflow-state.js';
import { autoScalingGroupRuntime } from '../../functions/kinds/auto-scaling-group/runtime.js';
import { runKindStep } from '../../functions/kinds/kind-step.js';
import { rdsReplicaRuntime } from '../../functions/kinds/rds-replica/runtime.js';
import { ssmParameterRuntime } from '../../functions/kinds/ssm-parameter/runtime.js';
import { notify } from '../../functions/notify/notify.js';
import { startSnsSubscriber, type SnsSubscriber } from './sns-subscriber.js';
import { expectStepCommandsSentToMoto } from './step-calls.js';
import {
  arrange,
  contractPlan,
  createRecordTable,
  motoEndpoint,
  MOTO_ACCOUNT,
  PRIMARY,
  RECOVERY,
  rejectionOf,
} from './support.js';

/**
 * notify over HTTP against moto's SNS. An http subscription on 127.0.0.1 receives what moto
 * delivers (sns-subscriber.ts), so the test reads the published message back. A failure notice
 * reads what each kind's read-back recorded in the failover record (moto's DynamoDB); the kinds'
 * Lambdas read their resources back from moto first, as the workflow's Read Back does.
 */

const TOPIC = 'shop-failover';
const SOURCE = 'contract-notify-source';
const REPLICA = 'contract-notify-replica';
const GROUP = 'contract-notify-app-usw2';
const PARAMETERS = { host: '/contract-notify/db/host', activeRegion: '/contract-notify/active-region' };

let subscriber: SnsSubscriber;
let plan: Plan;

const trigger: Trigger = {
  kind: 'alarm',
  alarmName: 'shop-primary-health',
  alarmRegion: PRIMARY,
  reason: 'Threshold Crossed: 1 datapoint [0.0] was less than the threshold (1.0).',
  triggeredAt: new Date(Date.now() - 120_000).toISOString(),
  confirmSeconds: 60,
  dryRun: false,
  executionId: 'arn:aws:states:us-west-2:123456789012:execution:failover:contract',
};

const input = (kind: NotifyInput['kind'], state: WorkflowState): NotifyInput => ({
  kind,
  executionId: trigger.executionId,
  state,
});

/** The plan's resources as a failover that stopped at promotion leaves them. */
async function arrangeHalfFailedOver(): Promise<void> {
  const { DBInstance: source } = await arrange.rds(PRIMARY).send(
    new CreateDBInstanceCommand({
      DBInstanceIdentifier: SOURCE,
      DBInstanceClass: 'db.t3.micro',
      Engine: 'postgres',
      AllocatedStorage: 20,
      MasterUsername: 'shop',
      MasterUserPassword: 'contract-test-only',
    }),
  );
  await arrange.rds(RECOVERY).send(
    new CreateDBInstanceReadReplicaCommand({
      DBInstanceIdentifier: REPLICA,
      SourceDBInstanceIdentifier: source?.DBInstanceArn,
    }),
  );
  const autoScaling = arrange.autoScaling(RECOVERY);
  await autoScaling.send(
    new CreateLaunchConfigurationCommand({
      LaunchConfigurationName: 'contract-notify-lc',
      ImageId: 'ami-12c6146b',
      InstanceType: 't3.micro',
    }),
  );
  await autoScaling.send(
    new CreateAutoScalingGroupCommand({
      AutoScalingGroupName: GROUP,
      LaunchConfigurationName: 'contract-notify-lc',
      MinSize: 3,
      DesiredCapacity: 6,
      MaxSize: 12,
      AvailabilityZones: [`${RECOVERY}a`],
    }),
  );
  await arrange
    .ssm(RECOVERY)
    .send(new PutParameterCommand({ Name: PARAMETERS.activeRegion, Value: RECOVERY, Type: 'String' }));
}

beforeAll(async () => {
  subscriber = await startSnsSubscriber();
  const sns = arrange.sns(RECOVERY);
  const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: TOPIC }));
  await sns.send(new SubscribeCommand({ TopicArn, Protocol: 'http', Endpoint: subscriber.endpoint }));
  await arrangeHalfFailedOver();
  plan = contractPlan((document) => {
    document.databases = [{ id: 'main', replica: REPLICA, maxLagSeconds: 30 }];
    document.scalingGroups = [{ name: GROUP, min: 3, desired: 6, max: 12 }];
    document.parameters = [
      { name: PARAMETERS.host, value: '{{databases.main.endpoint}}' },
      { name: PARAMETERS.activeRegion, value: '{{recoveryRegion}}' },
    ];
  });
  expect(plan.notifications.topicArn).toBe(TopicArn);
  vi.stubEnv('FAILOVER_PLAN', JSON.stringify(plan));
  await createRecordTable('contract-notify-record');
});

afterAll(async () => {
  await subscriber.close();
});

const deliveryOf = (messageId: string | null) => subscriber.deliveryOf(messageId);

describe('notify', () => {
  it('publishes to the plan topic, and subscribers get the same MessageId, subject and body', async () => {
    // Act
    const notification = await notify(input('started', { trigger }));

    // Assert
    expect(notification.messageId).toMatch(/^[0-9a-f-]{36}$/);
    expect(notification.topicArn).toBe(`arn:aws:sns:${RECOVERY}:${MOTO_ACCOUNT}:${TOPIC}`);
    const delivery = deliveryOf(notification.messageId);
    expect(delivery).toMatchObject({
      Type: 'Notification',
      TopicArn: notification.topicArn,
      Subject: notification.subject,
    });
    expect(delivery?.Message).toMatch(/^Failover STARTED: shop-prod us-east-1 -> us-west-2\n/);
  });

  it("on failure says what was and was not done, as each kind's Lambda read it back from AWS", async () => {
    // Arrange
    for (const runtime of [rdsReplicaRuntime, autoScalingGroupRuntime, ssmParameterRuntime])
      await runKindStep(runtime, { action: 'read-back', executionId: trigger.executionId, dryRun: false });
    const failure = {
      Error: 'PromotionTimeoutError',
      Cause: JSON.stringify({
        errorType: 'PromotionTimeoutError',
        errorMessage: `${REPLICA} still modifying`,
      }),
    };

    // Act
    const notification = await notify(input('failed', { trigger, failedStep: 'Recover', failure }));

    // Assert
    const body = deliveryOf(notification.messageId)?.Message ?? '';
    expect(body).toContain(`Error: PromotionTimeoutError: ${REPLICA} still modifying`);
    expect(body).toContain(`- group ${GROUP}: desired 6 (plan 6), 6 InService`);
    expect(body).toContain(`- parameter ${PARAMETERS.activeRegion}: points at ${RECOVERY}`);
    const notDone = body.slice(body.indexOf('Not done:'));
    expect(notDone).toContain(`- replica ${REPLICA}: still a read replica (available)`);
    expect(notDone).toContain(`- parameter ${PARAMETERS.host}: not repointed: holds (no parameter)`);
  });

  it('fails with the SDK error NotFoundException (404) when the topic does not exist', async () => {
    // Arrange: AWS's message is "Topic does not exist"; moto's "Endpoint does not exist".
    const noTopic = contractPlan((document) => {
      document.notifications = { topicArn: `arn:aws:sns:${RECOVERY}:${MOTO_ACCOUNT}:contract-missing` };
    });

    // Act
    vi.stubEnv('FAILOVER_PLAN', JSON.stringify(noTopic));
    // Its own execution: the other tests' STARTED message of `trigger`'s execution is already sent.
    const missingTopicRun = `${trigger.executionId}-missing-topic`;
    const error = await rejectionOf(
      notify({ ...input('started', { trigger }), executionId: missingTopicRun }),
    ).finally(() => vi.stubEnv('FAILOVER_PLAN', JSON.stringify(plan)));

    // Assert
    expect(error.name).toBe('NotFoundException');
    expect(error.$metadata?.httpStatusCode).toBe(404);
  });
});

describe('notify over HTTP', () => {
  it('sent Publish, and for the failure report the read-back calls, to the moto server only', () => {
    expectStepCommandsSentToMoto('notify', motoEndpoint(), [
      'GetItemCommand',
      'UpdateItemCommand',
      'DescribeDBInstancesCommand',
      'DescribeAutoScalingGroupsCommand',
      'GetParameterCommand',
    ]);
  });
});
