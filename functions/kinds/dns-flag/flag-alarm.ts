import { DescribeAlarmsCommand, PutMetricDataCommand, type MetricAlarm } from '@aws-sdk/client-cloudwatch';
import { cloudWatchClient } from '../../common/clients/cloudwatch.js';
import { flagAlarmName, flagDimensions, type DnsFlagPlan } from './definition.js';

/** DescribeAlarms takes at most 100 names a call; the schema allows 20 flags. */
const NAMES_PER_CALL = 100;

/**
 * Publishes the flag's value in the recovery region (the CloudWatch data plane). Idempotent: the
 * alarm evaluates the maximum of the period, so sending the same value again changes nothing.
 * Standard resolution (the default): Route 53 does not support alarms on high-resolution metrics.
 */
export async function publishFlag(
  region: string,
  planName: string,
  flag: DnsFlagPlan,
  value: number,
): Promise<void> {
  await cloudWatchClient(region).send(
    new PutMetricDataCommand({
      Namespace: flag.namespace,
      MetricData: [
        {
          MetricName: flag.metricName,
          Dimensions: [...flagDimensions(planName, flag)],
          Timestamp: new Date(),
          Value: value,
          Unit: 'None',
        },
      ],
    }),
  );
}

/** The flags' alarms in the recovery region, by name (a missing alarm is absent). */
export async function describeFlagAlarms(
  region: string,
  planName: string,
  flags: readonly DnsFlagPlan[],
): Promise<Map<string, MetricAlarm>> {
  const names = flags.map((flag) => flagAlarmName(planName, flag));
  const found = new Map<string, MetricAlarm>();
  for (let i = 0; i < names.length; i += NAMES_PER_CALL) {
    const batch = names.slice(i, i + NAMES_PER_CALL);
    const response = await cloudWatchClient(region).send(
      new DescribeAlarmsCommand({ AlarmNames: batch, AlarmTypes: ['MetricAlarm'], MaxRecords: 100 }),
    );
    for (const alarm of response.MetricAlarms ?? [])
      if (alarm.AlarmName !== undefined) found.set(alarm.AlarmName, alarm);
  }
  return found;
}

/** Why an alarm cannot carry the flag (missing, or watching another metric), if it cannot. */
export function alarmProblem(
  region: string,
  planName: string,
  flag: DnsFlagPlan,
  alarm: MetricAlarm | undefined,
): string | undefined {
  const name = flagAlarmName(planName, flag);
  if (alarm === undefined) return `alarm ${name} not found in ${region}`;
  if (alarm.Namespace !== flag.namespace || alarm.MetricName !== flag.metricName)
    return `alarm ${name} watches ${alarm.Namespace ?? '?'} ${alarm.MetricName ?? '?'}, not the flag's ${flag.namespace} ${flag.metricName}`;
  const wanted = flagDimensions(planName, flag);
  const dimensions = alarm.Dimensions ?? [];
  const same =
    dimensions.length === wanted.length &&
    wanted.every((dimension) =>
      dimensions.some((d) => d.Name === dimension.Name && d.Value === dimension.Value),
    );
  if (!same)
    return `alarm ${name} watches dimensions ${dimensions.map((d) => `${d.Name}=${d.Value}`).join(',') || '(none)'}, not Plan=${planName},Flag=${flag.id}`;
  return undefined;
}
