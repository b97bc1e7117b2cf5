import { AutoScalingClient, DescribeAutoScalingGroupsCommand } from '@aws-sdk/client-auto-scaling';
import {
  CloudWatchClient,
  DescribeAlarmsCommand,
  GetMetricDataCommand,
  PutMetricDataCommand,
  type MetricAlarm,
} from '@aws-sdk/client-cloudwatch';
import { DescribeDBInstancesCommand, RDSClient } from '@aws-sdk/client-rds';
import { DescribeStateMachineCommand, ListStateMachinesCommand, SFNClient } from '@aws-sdk/client-sfn';
import { GetTopicAttributesCommand, SNSClient } from '@aws-sdk/client-sns';
import { GetParametersCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { setClientInterceptor } from '../../../functions/common/aws-clients.js';
import {
  describeDBInstancesOutput,
  describeGroupsOutput,
  replicaInstance,
  scalingGroup,
} from '../../fixtures/aws-fixtures.js';

/**
 * The AWS services `failover check` and the scheduled readiness check read, mocked (one mock
 * per client class), and an account in which the example plan is ready.
 */
export const rds = mockClient(RDSClient);
export const cloudWatch = mockClient(CloudWatchClient);
export const autoScaling = mockClient(AutoScalingClient);
export const ssm = mockClient(SSMClient);
export const sns = mockClient(SNSClient);
export const sfn = mockClient(SFNClient);

export const STATE_MACHINE_ARN = 'arn:aws:states:us-west-2:111111111111:stateMachine:shop-prod-failover';
export const TOPIC = 'arn:aws:sns:us-west-2:111111111111:shop-failover';
const NAMESPACE_OF = { 'shop-primary-health': 'AWS/Route53', 'shop-alb-5xx': 'AWS/ApplicationELB' } as const;

export const alarm = (name: string, overrides: Partial<MetricAlarm> = {}): MetricAlarm => ({
  AlarmName: name,
  AlarmArn: `arn:aws:cloudwatch:us-east-1:111111111111:alarm:${name}`,
  Namespace: NAMESPACE_OF[name as keyof typeof NAMESPACE_OF] ?? 'AWS/ApplicationELB',
  MetricName: name === 'shop-primary-health' ? 'HealthCheckStatus' : 'HTTPCode_ELB_5XX_Count',
  StateValue: 'OK',
  ...overrides,
});

/** An account where the example plan is ready: every read answers as it should. */
export function healthyAccount(): void {
  for (const mock of [rds, cloudWatch, autoScaling, ssm, sns, sfn]) mock.reset();
  // Drop cached clients (and any interceptor another test left): the mocks patch the classes.
  setClientInterceptor(undefined);
  rds.on(DescribeDBInstancesCommand).resolves(describeDBInstancesOutput(replicaInstance('shop-db-replica')));
  cloudWatch.on(GetMetricDataCommand).resolves({
    MetricDataResults: [{ Id: 'lag', Values: [4], Timestamps: [new Date()], StatusCode: 'Complete' }],
  });
  cloudWatch.on(DescribeAlarmsCommand).callsFake((input: { AlarmNames?: string[] }) => {
    const name = input.AlarmNames?.[0] ?? '';
    return name === 'shop-primary-composite'
      ? { MetricAlarms: [], CompositeAlarms: [{ AlarmName: name, StateValue: 'OK' }] }
      : { MetricAlarms: [alarm(name)], CompositeAlarms: [] };
  });
  autoScaling
    .on(DescribeAutoScalingGroupsCommand)
    .resolves(describeGroupsOutput(scalingGroup('shop-app-usw2', { MaxSize: 12 })));
  ssm.on(GetParametersCommand).callsFake((input: { Names: string[] }) => ({
    Parameters: input.Names.map((Name) => ({ Name, Value: 'x', Type: 'String' })),
    InvalidParameters: [],
  }));
  sns
    .on(GetTopicAttributesCommand)
    .resolves({ Attributes: { TopicArn: TOPIC, SubscriptionsConfirmed: '2' } });
  sfn.on(DescribeStateMachineCommand).resolves({
    stateMachineArn: STATE_MACHINE_ARN,
    name: 'shop-prod-failover',
    status: 'ACTIVE',
    definition: '{}',
    roleArn: 'arn:aws:iam::111111111111:role/x',
    type: 'STANDARD',
    creationDate: new Date(),
  });
  sfn.on(ListStateMachinesCommand).resolves({
    stateMachines: [
      {
        name: 'shop-prod-failover',
        stateMachineArn: STATE_MACHINE_ARN,
        type: 'STANDARD',
        creationDate: new Date(),
      },
    ],
  });
}

/** Every metric datapoint the readiness handler published. */
export const publishedMetrics = () =>
  cloudWatch.commandCalls(PutMetricDataCommand).map((call) => call.args[0].input);
