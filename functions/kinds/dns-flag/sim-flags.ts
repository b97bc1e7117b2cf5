import type {
  MetricAlarm,
  PutMetricDataCommandInput,
  PutMetricDataCommandOutput,
  StateValue,
} from '@aws-sdk/client-cloudwatch';
import * as z from 'zod';
import { settingsFor, type MetricQuery, type MetricSample } from '../../../engine/sim/kind-model.js';
import { fail, required } from '../../../engine/sim/sdk-errors.js';
import { longAgo, secondsToMs, type CallContext, type SimWorld } from '../../../engine/sim/world.js';
import { flagAlarms, type DnsFlagPlan } from './definition.js';
import type { KindAlarm } from '../kind-definition.js';

/**
 * The CloudWatch side and the Route 53 side of the DNS flags: each flag's metric (what
 * PutMetricData published, with when), its alarm in the recovery region evaluating the metric over
 * virtual time as definition.ts configures it (one evaluation at the end of each 60 s period, the
 * maximum of the period against the threshold, state kept when a period has no data), and the
 * Route 53 health check following the alarm's data after its delay (unhealthy: Route 53 answers
 * with the SECONDARY record).
 */

export const flagBehaviourSchema = z.strictObject({
  /** The alarm does not exist (the construct was not deployed, or it was deleted). */
  missing: z.boolean().optional(),
  /**
   * The alarm's state before the replay: `ALARM` is a flag already flipped (traffic on the
   * recovery region). @default OK
   */
  initialState: z.enum(['OK', 'ALARM', 'INSUFFICIENT_DATA']).optional(),
  /** How long the Route 53 health check takes to follow the alarm's data. @default the plan's healthCheckDelaySeconds */
  healthCheckDelaySeconds: z.number().min(0).max(3_600).optional(),
  /** How long after a period ends CloudWatch evaluates the alarm. @default 0 */
  evaluationLagSeconds: z.number().min(0).max(600).optional(),
});
export type FlagBehaviour = z.output<typeof flagBehaviourSchema>;

export interface FlagSnapshot {
  readonly id: string;
  readonly alarmName: string;
  /** `missing` when the alarm does not exist. */
  readonly alarmState: StateValue | 'missing';
  /** The last value published (null: none during the replay). */
  readonly lastValue: number | null;
  readonly publishes: number;
  readonly healthCheck: 'Healthy' | 'Unhealthy';
  /** The failover record Route 53 answers with. */
  readonly answering: 'PRIMARY' | 'SECONDARY';
}

interface PublishedSample {
  readonly region: string;
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: string;
  /** The datapoint's own timestamp. */
  readonly at: number;
  /** When it was published (an alarm evaluation before this cannot have seen it). */
  readonly publishedAt: number;
  readonly value: number;
}

interface FlagAlarm {
  readonly flag: DnsFlagPlan;
  readonly spec: KindAlarm;
  readonly behaviour: FlagBehaviour;
}

/** PutMetricData's own limit on MetricData entries per call. */
const MAX_METRIC_DATA = 1_000;

const dimensionKey = (dimensions: readonly { Name?: string; Value?: string }[] | undefined): string =>
  [...(dimensions ?? [])]
    .map((dimension) => `${dimension.Name}=${dimension.Value}`)
    .sort()
    .join(',');

export class SimulatedDnsFlags {
  private readonly flags: FlagAlarm[];
  private readonly samples: PublishedSample[] = [];

  public constructor(private readonly world: SimWorld) {
    const specs = flagAlarms(world.plan);
    this.flags = world.plan.dnsFlags.map((flag, i) => ({
      flag,
      spec: specs[i] as KindAlarm,
      behaviour: settingsFor(world.scenario.dnsFlags, flag.id) ?? {},
    }));
  }

  public readonly operations = {
    PutMetricData: (input: PutMetricDataCommandInput, call: CallContext) => this.putMetricData(input, call),
  };

  /** The flags' alarms in `region`, as DescribeAlarms shows them at `now`. */
  public alarms(region: string, now: number): MetricAlarm[] {
    return this.flags
      .filter((entry) => !entry.behaviour.missing && region === this.world.plan.recoveryRegion)
      .map((entry) => this.alarmShape(entry, now));
  }

  /** The samples of a flag metric (undefined for any other metric). */
  public metricSamples(query: MetricQuery): readonly MetricSample[] | undefined {
    const owned = this.flags.some(
      ({ spec }) => spec.namespace === query.namespace && spec.metricName === query.metricName,
    );
    if (!owned) return undefined;
    const dimensions = dimensionKey(query.dimensions);
    return this.samples
      .filter(
        (sample) =>
          sample.region === query.region &&
          sample.namespace === query.namespace &&
          sample.metricName === query.metricName &&
          sample.dimensions === dimensions &&
          sample.publishedAt <= query.now &&
          sample.at >= query.from &&
          sample.at < query.to,
      )
      .map(({ at, value }) => ({ at, value }));
  }

  public snapshot(now: number): FlagSnapshot[] {
    return this.flags.map((entry) => {
      const own = this.samplesOf(entry);
      const unhealthy =
        !entry.behaviour.missing && this.stateAt(entry, now - this.delayMs(entry)).state === 'ALARM';
      return {
        id: entry.flag.id,
        alarmName: entry.spec.alarmName,
        alarmState: entry.behaviour.missing ? 'missing' : this.stateAt(entry, now).state,
        lastValue: own.filter((sample) => sample.publishedAt <= now).at(-1)?.value ?? null,
        publishes: own.filter((sample) => sample.publishedAt <= now).length,
        healthCheck: unhealthy ? 'Unhealthy' : 'Healthy',
        answering: unhealthy ? 'SECONDARY' : 'PRIMARY',
      };
    });
  }

  private delayMs(entry: FlagAlarm): number {
    return secondsToMs(entry.behaviour.healthCheckDelaySeconds ?? entry.flag.healthCheckDelaySeconds);
  }

  private samplesOf(entry: FlagAlarm): PublishedSample[] {
    const dimensions = dimensionKey(entry.spec.dimensions);
    return this.samples.filter(
      (sample) =>
        sample.region === this.world.plan.recoveryRegion &&
        sample.namespace === entry.spec.namespace &&
        sample.metricName === entry.spec.metricName &&
        sample.dimensions === dimensions,
    );
  }

  /**
   * The alarm's state at `now`: from its state before the replay, each period holding data is
   * evaluated once, `evaluationLagSeconds` after it ends, with the data published by then; the
   * maximum against the threshold gives ALARM or OK, and a period without data keeps the state
   * (TreatMissingData `ignore`).
   */
  private stateAt(entry: FlagAlarm, now: number): { state: StateValue; changedAt: number } {
    let state: StateValue = entry.behaviour.initialState ?? 'OK';
    let changedAt = longAgo(this.world, 1).getTime();
    const periodMs = secondsToMs(entry.spec.periodSeconds);
    const lagMs = secondsToMs(entry.behaviour.evaluationLagSeconds ?? 0);
    const periods = new Map<number, PublishedSample[]>();
    for (const sample of this.samplesOf(entry)) {
      const start = Math.floor(sample.at / periodMs) * periodMs;
      periods.set(start, [...(periods.get(start) ?? []), sample]);
    }
    for (const start of [...periods.keys()].sort((a, b) => a - b)) {
      const evaluatedAt = start + periodMs + lagMs;
      if (evaluatedAt > now) break;
      const seen = (periods.get(start) ?? []).filter((sample) => sample.publishedAt <= evaluatedAt);
      if (seen.length === 0) continue;
      const maximum = Math.max(...seen.map((sample) => sample.value));
      const next: StateValue = maximum >= entry.spec.threshold ? 'ALARM' : 'OK';
      if (next !== state) {
        state = next;
        changedAt = evaluatedAt;
      }
    }
    return { state, changedAt };
  }

  private alarmShape(entry: FlagAlarm, now: number): MetricAlarm {
    const { spec } = entry;
    const { state, changedAt } = this.stateAt(entry, now);
    const at = new Date(changedAt);
    return {
      AlarmName: spec.alarmName,
      AlarmArn: `arn:aws:cloudwatch:${this.world.plan.recoveryRegion}:${this.world.accountId}:alarm:${spec.alarmName}`,
      AlarmDescription: spec.description,
      AlarmConfigurationUpdatedTimestamp: longAgo(this.world, 30),
      ActionsEnabled: true,
      OKActions: [],
      AlarmActions: [],
      InsufficientDataActions: [],
      StateValue: state,
      StateReason:
        state === 'INSUFFICIENT_DATA'
          ? 'Unchecked: Initial alarm creation'
          : `Threshold Crossed: 1 datapoint was ${state === 'ALARM' ? '' : 'not '}greater than or equal to the threshold (${spec.threshold.toFixed(1)}).`,
      StateUpdatedTimestamp: at,
      StateTransitionedTimestamp: at,
      MetricName: spec.metricName,
      Namespace: spec.namespace,
      Statistic: spec.statistic,
      Dimensions: spec.dimensions.map((dimension) => ({ ...dimension })),
      Period: spec.periodSeconds,
      EvaluationPeriods: spec.evaluationPeriods,
      DatapointsToAlarm: spec.datapointsToAlarm,
      Threshold: spec.threshold,
      ComparisonOperator: spec.comparisonOperator,
      TreatMissingData: spec.treatMissingData,
    };
  }

  private putMetricData(
    input: PutMetricDataCommandInput,
    call: CallContext,
  ): Omit<PutMetricDataCommandOutput, '$metadata'> {
    const namespace = required(input.Namespace, 'Namespace', 'InvalidParameterValue');
    // CloudWatch refuses custom metrics in the AWS/ namespaces.
    if (namespace.startsWith('AWS/'))
      throw fail('InvalidParameterValue', 400, `The value ${namespace} for parameter Namespace is invalid.`);
    const data = input.MetricData ?? [];
    if (data.length === 0 || data.length > MAX_METRIC_DATA)
      throw fail(
        'InvalidParameterValue',
        400,
        `The collection MetricData must not be empty and must hold at most ${MAX_METRIC_DATA} entries.`,
      );
    for (const datum of data) {
      const metricName = required(datum.MetricName, 'MetricData.member.MetricName', 'InvalidParameterValue');
      const value = required(datum.Value, 'MetricData.member.Value', 'InvalidParameterValue');
      this.samples.push({
        region: call.region,
        namespace,
        metricName,
        dimensions: dimensionKey(datum.Dimensions),
        at: datum.Timestamp?.getTime() ?? call.now,
        publishedAt: call.now,
        value,
      });
    }
    return {};
  }
}
