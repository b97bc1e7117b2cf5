import { DescribeAlarmsCommand, type MetricAlarm } from '@aws-sdk/client-cloudwatch';
import { GetTopicAttributesCommand } from '@aws-sdk/client-sns';
import { DescribeStateMachineCommand } from '@aws-sdk/client-sfn';
import { cloudWatchClient } from '../common/clients/cloudwatch.js';
import { sfnClient } from '../common/clients/sfn.js';
import { snsClient } from '../common/clients/sns.js';
import type { AlarmRef } from '../common/plan.js';
import { fail, guarded, pass, skip, type ReadinessCheck } from '../common/readiness-checks.js';

/** Route 53 publishes its metrics (HealthCheckStatus …) only here (DESIGN.md, AWS facts). */
export const ROUTE53_METRICS_REGION = 'us-east-1';
const ROUTE53_NAMESPACE = 'AWS/Route53';

export function topicChecks(topicArn: string | undefined): Promise<ReadinessCheck[]> {
  if (topicArn === undefined) {
    return Promise.resolve([
      skip(
        'topic-exists',
        'notifications',
        'no topic to check: the plan names none and FAILOVER_TOPIC_ARN is not set (the CDK construct creates one)',
      ),
    ]);
  }
  const region = topicArn.split(':')[3] ?? '';
  return guarded('topic-exists', topicArn, `topic ${topicArn}`, async () => {
    try {
      const response = await snsClient(region).send(new GetTopicAttributesCommand({ TopicArn: topicArn }));
      const subscribers = response.Attributes?.SubscriptionsConfirmed ?? '0';
      return [
        pass('topic-exists', topicArn, `topic ${topicArn} exists (confirmed subscriptions: ${subscribers})`),
      ];
    } catch (error) {
      if ((error as Error).name === 'NotFoundException')
        return [fail('topic-exists', topicArn, `topic ${topicArn} not found`)];
      throw error;
    }
  });
}

function namespacesOf(alarm: MetricAlarm): string[] {
  const fromMath = (alarm.Metrics ?? []).map((query) => query.MetricStat?.Metric?.Namespace);
  return [alarm.Namespace, ...fromMath].filter((namespace): namespace is string => namespace !== undefined);
}

/**
 * The alarm exists where the plan says, and an alarm on a Route 53 metric is in us-east-1:
 * anywhere else its metric has no data and the alarm never leaves INSUFFICIENT_DATA.
 */
export function alarmChecks(alarm: AlarmRef): Promise<ReadinessCheck[]> {
  const { name, region } = alarm;
  return guarded('alarm-exists', name, `alarm ${name} in ${region}`, async () => {
    const response = await cloudWatchClient(region).send(
      new DescribeAlarmsCommand({ AlarmNames: [name], AlarmTypes: ['MetricAlarm', 'CompositeAlarm'] }),
    );
    const metric = response.MetricAlarms?.find((candidate) => candidate.AlarmName === name);
    const composite = response.CompositeAlarms?.find((candidate) => candidate.AlarmName === name);
    if (metric === undefined && composite === undefined)
      return [fail('alarm-exists', name, `alarm ${name} not found in ${region}`)];
    if (metric === undefined)
      return [pass('alarm-exists', name, `composite alarm ${name} exists in ${region}`)];
    const watched =
      metric.MetricName === undefined ? 'metric math' : `${metric.Namespace ?? ''} ${metric.MetricName}`;
    const checks = [
      pass(
        'alarm-exists',
        name,
        `alarm ${name} exists in ${region} (${watched}, ${metric.StateValue ?? 'unknown state'})`,
      ),
    ];
    if (namespacesOf(metric).includes(ROUTE53_NAMESPACE)) {
      checks.push(
        region === ROUTE53_METRICS_REGION
          ? pass(
              'alarm-region',
              name,
              `alarm ${name} watches ${ROUTE53_NAMESPACE} in ${ROUTE53_METRICS_REGION}, where Route 53 publishes it`,
            )
          : fail(
              'alarm-region',
              name,
              `alarm ${name} watches ${ROUTE53_NAMESPACE} in ${region}: Route 53 publishes health-check metrics only in ${ROUTE53_METRICS_REGION}, so this alarm never leaves INSUFFICIENT_DATA`,
            ),
      );
    }
    return checks;
  });
}

/** Where the failover workflow runs: deployed (by ARN), or the local engine. */
export type StateMachineTarget =
  | { readonly kind: 'local' }
  | { readonly kind: 'deployed'; readonly arn: string }
  | { readonly kind: 'unresolved'; readonly reason: string };

export function stateMachineChecks(target: StateMachineTarget): Promise<ReadinessCheck[]> {
  if (target.kind === 'local') {
    return Promise.resolve([
      pass('state-machine', 'local', 'state machine: local engine (the same definition, run in-process)'),
    ]);
  }
  if (target.kind === 'unresolved')
    return Promise.resolve([fail('state-machine', 'state machine', target.reason)]);
  const { arn } = target;
  const region = arn.split(':')[3] ?? '';
  return guarded('state-machine', arn, `state machine ${arn}`, async () => {
    try {
      const response = await sfnClient(region).send(
        new DescribeStateMachineCommand({ stateMachineArn: arn }),
      );
      const status = response.status ?? 'unknown';
      return status === 'ACTIVE'
        ? [pass('state-machine', arn, `state machine ${arn} is deployed (${status})`)]
        : [fail('state-machine', arn, `state machine ${arn} is ${status}, not ACTIVE`)];
    } catch (error) {
      if ((error as Error).name === 'StateMachineDoesNotExist') {
        return [fail('state-machine', arn, `state machine ${arn} does not exist`)];
      }
      throw error;
    }
  });
}
