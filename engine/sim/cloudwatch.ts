import type {
  Datapoint,
  DescribeAlarmsCommandInput,
  DescribeAlarmsCommandOutput,
  Dimension,
  GetMetricDataCommandInput,
  GetMetricDataCommandOutput,
  GetMetricStatisticsCommandInput,
  GetMetricStatisticsCommandOutput,
  MetricAlarm,
  MetricDataResult,
} from '@aws-sdk/client-cloudwatch';
import { hexDigest, uuidFrom } from './ids.js';
import { settingsFor, type MetricQuery, type MetricSample } from './kind-model.js';
import { atScenarioSecond, longAgo, type CallContext, type SimWorld } from './world.js';

/**
 * CloudWatch: the plan's trigger alarms (in ALARM from the scenario start, back to OK at
 * `okAtSeconds`) and the metrics the kinds' resources publish (each kind's model answers for its
 * own, e.g. a replica's ReplicaLag; any other metric has no datapoints).
 */

/** GetMetricData's own limit on datapoints per call, so a huge window cannot hang a replay. */
const MAX_SAMPLES = 100_800;

/** Answers for the metrics one kind publishes; undefined for a metric it does not publish. */
export type MetricSource = (query: MetricQuery) => readonly MetricSample[] | undefined;

/** The metric alarms one kind's resources own in a region (SimulatedKindModel.metricAlarms). */
export type AlarmSource = (region: string, now: number) => readonly MetricAlarm[];

interface AlarmRecord {
  readonly name: string;
  readonly region: string;
  readonly arn: string;
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: Dimension[];
  readonly okAt: number | undefined;
}

export interface AlarmSnapshot {
  readonly name: string;
  readonly region: string;
  readonly state: 'ALARM' | 'OK';
}

type Sample = MetricSample;

function statistic(samples: readonly number[], stat: string): number | undefined {
  if (samples.length === 0) return undefined;
  const sum = samples.reduce((total, value) => total + value, 0);
  const percentile = /^p(\d+(\.\d+)?)$/.exec(stat);
  if (percentile) {
    const sorted = [...samples].sort((a, b) => a - b);
    const rank = Math.ceil((Number(percentile[1]) / 100) * sorted.length) - 1;
    return sorted[Math.min(sorted.length - 1, Math.max(0, rank))];
  }
  const stats: Record<string, number> = {
    Average: sum / samples.length,
    Sum: sum,
    Minimum: Math.min(...samples),
    Maximum: Math.max(...samples),
    SampleCount: samples.length,
  };
  return stats[stat];
}

const time = (value: Date | undefined): number => value?.getTime() ?? 0;

export class SimulatedCloudWatch {
  private readonly alarms: AlarmRecord[];

  public constructor(
    private readonly world: SimWorld,
    private readonly metricSources: readonly MetricSource[],
    private readonly alarmSources: readonly AlarmSource[] = [],
  ) {
    this.alarms = world.plan.triggers.alarms.map((alarm) => {
      const behaviour = settingsFor(world.scenario.alarms, alarm.name) ?? {};
      const healthCheck = alarm.region === 'us-east-1' && /health/i.test(alarm.name);
      const namespace = behaviour.namespace ?? (healthCheck ? 'AWS/Route53' : 'AWS/ApplicationELB');
      return {
        name: alarm.name,
        region: alarm.region,
        arn: `arn:aws:cloudwatch:${alarm.region}:${world.accountId}:alarm:${alarm.name}`,
        namespace,
        metricName:
          behaviour.metricName ??
          (namespace === 'AWS/Route53' ? 'HealthCheckStatus' : 'HTTPCode_ELB_5XX_Count'),
        dimensions:
          namespace === 'AWS/Route53'
            ? [{ Name: 'HealthCheckId', Value: uuidFrom(alarm.name) }]
            : [{ Name: 'LoadBalancer', Value: `app/${world.plan.name}/${hexDigest(alarm.name, 16)}` }],
        okAt:
          behaviour.okAtSeconds === undefined ? undefined : atScenarioSecond(world, behaviour.okAtSeconds),
      };
    });
  }

  public readonly operations = {
    GetMetricData: (input: GetMetricDataCommandInput, call: CallContext) => this.getMetricData(input, call),
    GetMetricStatistics: (input: GetMetricStatisticsCommandInput, call: CallContext) =>
      this.getMetricStatistics(input, call),
    DescribeAlarms: (input: DescribeAlarmsCommandInput, call: CallContext) =>
      this.describeAlarms(input, call),
  };

  public snapshot(now: number): AlarmSnapshot[] {
    return this.alarms.map((alarm) => ({
      name: alarm.name,
      region: alarm.region,
      state: this.state(alarm, now),
    }));
  }

  /**
   * The alarm is in `state` from `atMs` on: a replayed "CloudWatch Alarm State Change" event
   * (engine/sim/alarm-events.ts). Once an alarm has such events, they alone drive it: before the
   * first one it was in the other state.
   */
  public setAlarmState(name: string, region: string, state: 'ALARM' | 'OK', atMs: number): void {
    const key = `${region}/${name}`;
    const changes = [...(this.changes.get(key) ?? []), { atMs, state }].sort((a, b) => a.atMs - b.atMs);
    this.changes.set(key, changes);
  }

  private readonly changes = new Map<string, { readonly atMs: number; readonly state: 'ALARM' | 'OK' }[]>();

  /** The replayed change in effect at `now` (or the state before the first), if the alarm has any. */
  private replayed(alarm: AlarmRecord, now: number): { state: 'ALARM' | 'OK'; atMs: number } | undefined {
    const changes = this.changes.get(`${alarm.region}/${alarm.name}`);
    if (changes === undefined || changes.length === 0) return undefined;
    const last = changes.filter((change) => change.atMs <= now).at(-1);
    if (last !== undefined) return last;
    return { state: changes[0]?.state === 'ALARM' ? 'OK' : 'ALARM', atMs: longAgo(this.world, 1).getTime() };
  }

  private state(alarm: AlarmRecord, now: number): 'ALARM' | 'OK' {
    const replayed = this.replayed(alarm, now);
    if (replayed !== undefined) return replayed.state;
    if (now < this.world.startMs) return 'OK';
    return alarm.okAt !== undefined && now >= alarm.okAt ? 'OK' : 'ALARM';
  }

  private describeAlarms(
    input: DescribeAlarmsCommandInput,
    call: CallContext,
  ): Omit<DescribeAlarmsCommandOutput, '$metadata'> {
    const wantsMetricAlarms = input.AlarmTypes === undefined || input.AlarmTypes.includes('MetricAlarm');
    const alarms =
      call.absent || !wantsMetricAlarms ? [] : this.alarms.filter((alarm) => alarm.region === call.region);
    const matching = alarms.filter(
      (alarm) =>
        (input.AlarmNames === undefined ||
          input.AlarmNames.length === 0 ||
          input.AlarmNames.includes(alarm.name)) &&
        (input.AlarmNamePrefix === undefined || alarm.name.startsWith(input.AlarmNamePrefix)) &&
        (input.StateValue === undefined || input.StateValue === this.state(alarm, call.now)),
    );
    const kindAlarms =
      call.absent || !wantsMetricAlarms
        ? []
        : this.alarmSources
            .flatMap((source) => source(call.region, call.now))
            .filter(
              (alarm) =>
                (input.AlarmNames === undefined ||
                  input.AlarmNames.length === 0 ||
                  input.AlarmNames.includes(alarm.AlarmName ?? '')) &&
                (input.AlarmNamePrefix === undefined ||
                  (alarm.AlarmName ?? '').startsWith(input.AlarmNamePrefix)) &&
                (input.StateValue === undefined || input.StateValue === alarm.StateValue),
            );
    return {
      MetricAlarms: [...matching.map((alarm) => this.alarmShape(alarm, call.now)), ...kindAlarms],
      CompositeAlarms: [],
    };
  }

  private alarmShape(alarm: AlarmRecord, now: number): MetricAlarm {
    const state = this.state(alarm, now);
    const changedAt = new Date(
      this.replayed(alarm, now)?.atMs ??
        (state === 'OK' ? (alarm.okAt ?? longAgo(this.world, 1).getTime()) : this.world.startMs),
    );
    const route53 = alarm.namespace === 'AWS/Route53';
    const threshold = route53 ? 1 : 10;
    const value = state === 'ALARM' ? (route53 ? 0 : 42) : route53 ? 1 : 0;
    const stamp = changedAt.toISOString().replace('T', ' ').slice(0, 19);
    const relation = route53 ? 'less than' : 'greater than or equal to';
    return {
      AlarmName: alarm.name,
      AlarmArn: alarm.arn,
      AlarmDescription: `Simulated ${alarm.namespace} ${alarm.metricName} alarm`,
      AlarmConfigurationUpdatedTimestamp: longAgo(this.world, 30),
      ActionsEnabled: true,
      OKActions: [],
      AlarmActions: [],
      InsufficientDataActions: [],
      StateValue: state,
      StateReason: `Threshold Crossed: 1 datapoint [${value.toFixed(1)} (${stamp})] was ${state === 'ALARM' ? '' : 'not '}${relation} the threshold (${threshold.toFixed(1)}).`,
      StateUpdatedTimestamp: changedAt,
      StateTransitionedTimestamp: changedAt,
      MetricName: alarm.metricName,
      Namespace: alarm.namespace,
      Statistic: route53 ? 'Minimum' : 'Sum',
      Dimensions: alarm.dimensions,
      Period: 60,
      EvaluationPeriods: 1,
      DatapointsToAlarm: 1,
      Threshold: threshold,
      ComparisonOperator: route53 ? 'LessThanThreshold' : 'GreaterThanOrEqualToThreshold',
      TreatMissingData: route53 ? 'breaching' : 'notBreaching',
    };
  }

  private getMetricData(
    input: GetMetricDataCommandInput,
    call: CallContext,
  ): Omit<GetMetricDataCommandOutput, '$metadata'> {
    const from = time(input.StartTime);
    const to = time(input.EndTime);
    const ascending = input.ScanBy === 'TimestampAscending';
    const results: MetricDataResult[] = (input.MetricDataQueries ?? [])
      .filter((query) => query.ReturnData !== false)
      .map((query) => {
        const stat = query.MetricStat;
        if (!stat) {
          return {
            Id: query.Id,
            Label: query.Label ?? query.Id,
            Timestamps: [],
            Values: [],
            StatusCode: 'Complete',
            Messages: [{ Code: 'Unsupported', Value: 'the simulated AWS evaluates MetricStat queries only' }],
          };
        }
        const metric = stat.Metric;
        const samples = call.absent
          ? []
          : this.samples(metric?.Namespace, metric?.MetricName, metric?.Dimensions, call, from, to);
        const points = this.aggregate(samples, stat.Period ?? 60, [stat.Stat ?? 'Average'])
          .filter((point) => point.values[0] !== undefined)
          .sort((a, b) => (ascending ? a.at - b.at : b.at - a.at))
          .slice(0, input.MaxDatapoints ?? MAX_SAMPLES);
        return {
          Id: query.Id,
          Label: query.Label ?? metric?.MetricName,
          Timestamps: points.map((point) => new Date(point.at)),
          Values: points.map((point) => point.values[0] ?? 0),
          StatusCode: 'Complete',
        };
      });
    return { MetricDataResults: results, Messages: [] };
  }

  private getMetricStatistics(
    input: GetMetricStatisticsCommandInput,
    call: CallContext,
  ): Omit<GetMetricStatisticsCommandOutput, '$metadata'> {
    const statistics = input.Statistics ?? [];
    const extended = input.ExtendedStatistics ?? [];
    const samples = call.absent
      ? []
      : this.samples(
          input.Namespace,
          input.MetricName,
          input.Dimensions,
          call,
          time(input.StartTime),
          time(input.EndTime),
        );
    // AWS returns these datapoints in no particular order; callers must sort. Ascending here.
    const datapoints: Datapoint[] = this.aggregate(samples, input.Period ?? 60, [...statistics, ...extended])
      .sort((a, b) => a.at - b.at)
      .map((point) => {
        const datapoint: Datapoint = { Timestamp: new Date(point.at), Unit: 'Seconds' };
        const record = datapoint as Record<string, unknown>;
        statistics.forEach((name, i) => (record[name] = point.values[i]));
        if (extended.length > 0) {
          datapoint.ExtendedStatistics = Object.fromEntries(
            extended.map((name, i) => [name, point.values[statistics.length + i] ?? 0]),
          );
        }
        return datapoint;
      });
    return { Label: input.MetricName, Datapoints: datapoints };
  }

  /** The published samples of the metric in [from, to): from the kind that publishes it, else none. */
  private samples(
    namespace: string | undefined,
    metricName: string | undefined,
    dimensions: Dimension[] | undefined,
    call: CallContext,
    from: number,
    to: number,
  ): readonly Sample[] {
    const query: MetricQuery = {
      namespace,
      metricName,
      dimensions,
      region: call.region,
      from,
      to,
      now: call.now,
    };
    for (const source of this.metricSources) {
      const samples = source(query);
      if (samples !== undefined) return samples;
    }
    return [];
  }

  /** Groups samples into periods aligned to multiples of `periodSeconds` and computes each stat. */
  private aggregate(samples: readonly Sample[], periodSeconds: number, stats: readonly string[]) {
    const periodMs = Math.max(1, periodSeconds) * 1000;
    const periods = new Map<number, number[]>();
    for (const sample of samples) {
      const start = Math.floor(sample.at / periodMs) * periodMs;
      periods.set(start, [...(periods.get(start) ?? []), sample.value]);
    }
    return [...periods].map(([at, values]) => ({ at, values: stats.map((stat) => statistic(values, stat)) }));
  }
}
