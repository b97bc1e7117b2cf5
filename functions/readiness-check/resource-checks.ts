import { DescribeAlarmsCommand, type MetricAlarm } from '@aws-sdk/client-cloudwatch';
import { GetTopicAttributesCommand } from '@aws-sdk/client-sns';
import { GetParametersCommand } from '@aws-sdk/client-ssm';
import { DescribeStateMachineCommand } from '@aws-sdk/client-sfn';
import { describeGroup } from '../common/autoscaling.js';
import { cloudWatchClient } from '../common/clients/cloudwatch.js';
import { sfnClient } from '../common/clients/sfn.js';
import { snsClient } from '../common/clients/sns.js';
import { ssmClient } from '../common/clients/ssm.js';
import { ScalingGroupNotFoundError } from '../common/errors.js';
import type { AlarmRef, ScalingGroupPlan } from '../common/plan.js';
import { fail, guarded, pass, skip, type ReadinessCheck } from './checks.js';

/** Route 53 publishes its metrics (HealthCheckStatus …) only here (DESIGN.md, AWS facts). */
export const ROUTE53_METRICS_REGION = 'us-east-1';
const ROUTE53_NAMESPACE = 'AWS/Route53';
/** GetParameters takes at most 10 names. */
const PARAMETERS_PER_CALL = 10;

export function groupChecks(group: ScalingGroupPlan, region: string): Promise<ReadinessCheck[]> {
  return guarded('group-exists', group.name, `group ${group.name} in ${region}`, async () => {
    let found;
    try {
      found = await describeGroup(region, group.name);
    } catch (error) {
      if (error instanceof ScalingGroupNotFoundError)
        return [fail('group-exists', group.name, `group ${group.name} not found in ${region}`)];
      throw error;
    }
    const [min, desired, max] = [found.MinSize ?? 0, found.DesiredCapacity ?? 0, found.MaxSize ?? 0];
    return [
      pass(
        'group-exists',
        group.name,
        `group ${group.name} exists in ${region} (min ${min}, desired ${desired}, max ${max})`,
      ),
      max >= group.desired
        ? pass('group-max', group.name, `group ${group.name} MaxSize ${max} >= plan desired ${group.desired}`)
        : fail('group-max', group.name, `group ${group.name} MaxSize ${max} < plan desired ${group.desired}`),
    ];
  });
}

export async function parameterChecks(names: readonly string[], region: string): Promise<ReadinessCheck[]> {
  const batches: string[][] = [];
  for (let i = 0; i < names.length; i += PARAMETERS_PER_CALL)
    batches.push(names.slice(i, i + PARAMETERS_PER_CALL));
  const results = await Promise.all(
    batches.map(async (batch) => {
      const resource = batch.join(', ');
      return guarded('parameter-exists', resource, `parameters ${resource} in ${region}`, async () => {
        const response = await ssmClient(region).send(new GetParametersCommand({ Names: batch }));
        const missing = new Set(response.InvalidParameters ?? []);
        return batch.map((name) =>
          missing.has(name)
            ? fail('parameter-exists', name, `parameter ${name} not found in ${region}`)
            : pass('parameter-exists', name, `parameter ${name} exists in ${region}`),
        );
      });
    }),
  );
  return results.flat();
}

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
