import { GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { cloudWatchClient } from '../common/clients/cloudwatch.js';
import { ReplicaLagExceededError, ReplicaLagUnknownError } from '../common/errors.js';
import { readGate, writeGate, type RecordScope } from '../common/failover-record.js';
import { secondsSince } from '../common/step-handler.js';
import { mapBounded, summarise, type KindSummary } from './kind-step.js';
import { requireAll, skippedMessage } from './preflight.js';

/**
 * The RPO gate's policy, shared by the kinds that gate on a replication lag metric read from
 * CloudWatch (RDS read replicas' ReplicaLag, Aurora global databases' AuroraGlobalDBRPOLag):
 * lag under the threshold passes; over it (or no datapoint), the workflow waits and asks again
 * until `lagWaitSeconds` have passed; then the plan's `onLagExceeded` decides.
 */

/** Lag metrics are published once a minute; re-reading more often mostly sees the same datapoint. */
export const LAG_POLL_SECONDS = 20;
const LOOKBACK_SECONDS = 300;

/** One CloudWatch metric of one resource, and how its values convert to seconds. */
export interface LagMetric {
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: readonly { readonly Name: string; readonly Value: string }[];
  /** Milliseconds metrics divide by 1000. */
  readonly toSeconds: (value: number) => number;
}

/** Latest datapoint of the metric in the last five minutes, in seconds, or null when there is none. */
export async function latestLagSeconds(region: string, metric: LagMetric): Promise<number | null> {
  const end = new Date();
  const response = await cloudWatchClient(region).send(
    new GetMetricDataCommand({
      StartTime: new Date(end.getTime() - LOOKBACK_SECONDS * 1000),
      EndTime: end,
      ScanBy: 'TimestampDescending',
      MetricDataQueries: [
        {
          Id: 'lag',
          ReturnData: true,
          MetricStat: {
            Metric: {
              Namespace: metric.namespace,
              MetricName: metric.metricName,
              Dimensions: metric.dimensions.map((dimension) => ({ ...dimension })),
            },
            Period: 60,
            Stat: 'Maximum',
          },
        },
      ],
    }),
  );
  const value = response.MetricDataResults?.find((result) => result.Id === 'lag')?.Values?.[0];
  return value === undefined ? null : metric.toSeconds(value);
}

/** What a plan item says about lag (rds-replica's and aurora-global's items share these fields). */
export interface LagPolicy {
  readonly maxLagSeconds: number;
  readonly lagWaitSeconds: number;
  readonly onLagExceeded: 'abort' | 'promote';
}

export interface LagVerdictInput {
  /** The resource, first word of every message. */
  readonly label: string;
  readonly policy: LagPolicy;
  readonly lagSeconds: number | null;
  /** When the gate first looked at this resource (bounds the wait). */
  readonly firstCheckedAt: string;
  readonly metricName: string;
  /** The change the gate guards, for the messages: `{ doing: 'promoting', done: 'promoted' }`. */
  readonly change: { readonly doing: string; readonly done: string };
}

export interface LagVerdict {
  readonly decision: 'proceed' | 'wait';
  readonly waitSeconds?: number;
  /** Passed with lag above the threshold (or unknown) because the policy is `promote`. */
  readonly promotedOverThreshold?: boolean;
  readonly message: string;
}

/**
 * The gate's decision on one look at one resource's lag.
 * @throws ReplicaLagExceededError, ReplicaLagUnknownError when the wait is over and the policy is `abort`
 */
export function lagVerdict({
  label,
  policy,
  lagSeconds,
  firstCheckedAt,
  metricName,
  change,
}: LagVerdictInput): LagVerdict {
  if (lagSeconds !== null && lagSeconds <= policy.maxLagSeconds) {
    return {
      decision: 'proceed',
      message: `${label} lag ${lagSeconds}s is within ${policy.maxLagSeconds}s`,
    };
  }
  const waited = secondsSince(firstCheckedAt);
  const lagText =
    lagSeconds === null
      ? `has no ${metricName} datapoint`
      : `lag ${lagSeconds}s is above ${policy.maxLagSeconds}s`;
  if (waited < policy.lagWaitSeconds) {
    return {
      decision: 'wait',
      waitSeconds: Math.max(1, Math.min(LAG_POLL_SECONDS, Math.ceil(policy.lagWaitSeconds - waited))),
      message: `${label} ${lagText}: waiting`,
    };
  }
  if (policy.onLagExceeded === 'promote') {
    const window = lagSeconds === null ? 'unknown (no lag datapoint)' : `about ${lagSeconds}s of writes`;
    return {
      decision: 'proceed',
      promotedOverThreshold: true,
      message: `${label} ${lagText} after ${Math.round(waited)}s; ${change.doing} anyway (onLagExceeded: promote). Estimated data-loss window: ${window}`,
    };
  }
  const detail = `${label} ${lagText} after waiting ${Math.round(waited)}s (lagWaitSeconds ${policy.lagWaitSeconds}); onLagExceeded is abort, so nothing was ${change.done}`;
  if (lagSeconds === null) throw new ReplicaLagUnknownError(detail);
  throw new ReplicaLagExceededError(detail);
}

/** What a lag gate keeps per resource between looks (rds-replica's LagCheck, aurora-global's GlobalLagCheck). */
export interface LagLook {
  readonly checks: number;
  readonly firstCheckedAt?: string;
  readonly checkedAt?: string;
  /** Latest lag datapoint in seconds; null when the metric had no datapoint. */
  readonly lagSeconds?: number | null;
  readonly maxLagSeconds?: number;
  /** `wait` loops through a Wait state; `proceed` passes the gate. */
  readonly decision?: 'proceed' | 'wait';
  readonly waitSeconds?: number;
  /** Passed the gate with lag above the threshold because the policy is `promote`. */
  readonly promotedOverThreshold?: boolean;
  /** Optional, and unable to fail over (missing, or lag over with `abort`): never changed. */
  readonly skipped?: boolean;
  readonly message?: string;
}

export interface LagGateStep<Item extends { readonly optional: boolean }, Look extends LagLook> {
  readonly kind: string;
  /** Plural noun for the preflight message: "replicas". */
  readonly noun: string;
  /** What the summary counts: "replicas through the RPO gate". */
  readonly passedNoun: string;
  readonly items: readonly Item[];
  readonly scope: RecordScope;
  readonly label: (item: Item) => string;
  /** Fields naming the resource in a refused look (`{ replica: … }`). */
  readonly identity: (item: Item) => Readonly<Record<string, string>>;
  /** One look at one resource not yet through the gate. */
  readonly look: (item: Item, previous: Look | LagLook) => Promise<Look>;
  /** Errors that stop a resource at the gate (missing, lag over with abort). */
  readonly isRefusal: (error: unknown) => error is Error;
  /** Refusals for a missing resource (reported with the others as a PreflightFailedError). */
  readonly isMissing: (error: Error) => boolean;
}

/** Calls in flight at once inside one gate invocation (control-plane calls are rate limited). */
const GATE_CONCURRENCY = 10;

/**
 * The preflight and the RPO gate in one look at every resource not yet through it. A resource
 * that cannot fail over (missing; lag over the threshold after the wait with `abort`) stops the
 * failover, naming every such resource at once; an optional one is skipped instead. One required
 * resource refused for its lag keeps its own error name (ReplicaLagExceededError,
 * ReplicaLagUnknownError); several, or a missing one, make a PreflightFailedError.
 */
export async function runLagGate<Item extends { readonly optional: boolean }, Look extends LagLook>(
  step: LagGateStep<Item, Look>,
): Promise<KindSummary> {
  const { kind, items, scope } = step;
  const previous = (await readGate<(Look | LagLook)[]>(scope, kind)) ?? [];
  const refusals: (Error | undefined)[] = [];
  const checks = await mapBounded(items, GATE_CONCURRENCY, async (item, i): Promise<Look | LagLook> => {
    const last = previous[i];
    if (last?.decision === 'proceed') return last;
    try {
      return await step.look(item, last ?? { checks: 0 });
    } catch (error) {
      if (!step.isRefusal(error)) throw error;
      refusals[i] = error;
      const base = { checks: (last?.checks ?? 0) + 1, ...step.identity(item), lagSeconds: null };
      return item.optional
        ? { ...base, decision: 'proceed', skipped: true, message: skippedMessage(error.message) }
        : { ...base, message: error.message };
    }
  });
  await writeGate(scope, kind, checks);
  const blocking = items.flatMap((item, i) => {
    const refusal = refusals[i];
    return refusal !== undefined && !item.optional ? [refusal] : [];
  });
  if (blocking.length === 1 && blocking[0] !== undefined && !step.isMissing(blocking[0])) throw blocking[0];
  requireAll(
    step.noun,
    items.map((item, i) => ({
      label: step.label(item),
      optional: item.optional,
      ...(refusals[i] !== undefined ? { problem: refusals[i].message } : {}),
    })),
  );
  const summary = summarise(
    kind,
    'gate',
    checks.map((check) => ({ done: check.decision === 'proceed', pollSeconds: check.waitSeconds ?? 1 })),
    step.passedNoun,
  );
  const lags = checks
    .map((check) => check.lagSeconds)
    .filter((lag): lag is number => typeof lag === 'number');
  const over = checks.filter((check) => check.promotedOverThreshold === true).length;
  const skipped = checks.filter((check) => check.skipped === true).length;
  const notes = [
    ...(over > 0 ? [`${over} over the lag threshold (onLagExceeded: promote)`] : []),
    ...(skipped > 0 ? [`${skipped} optional skipped`] : []),
  ];
  return {
    ...summary,
    maxLagSeconds: lags.length === 0 ? null : Math.max(...lags),
    ...(notes.length > 0 ? { message: [summary.message, ...notes].join('; ') } : {}),
  };
}
