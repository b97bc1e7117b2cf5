import * as z from 'zod';
import { defineKind, records, type ArnScope, type KindAlarm, type PlanCore } from '../kind-definition.js';

/**
 * DNS without the Route 53 control plane. Each flag is a CloudWatch metric in the recovery
 * region that a CloudWatch alarm there watches; a Route 53 health check of type
 * CLOUDWATCH_METRIC watches that alarm, and the PRIMARY failover record of the user's zone is
 * associated with the health check. Publishing 1 (`PutMetricData`, the CloudWatch data plane of
 * the recovery region) puts the alarm in ALARM, the health check becomes unhealthy and Route 53
 * answers with the SECONDARY (recovery) record; failback publishes 0. Route 53's control plane
 * (us-east-1) is used at deploy time only, when the construct creates the health check.
 *
 * How the pieces are configured, and why (every number is a fact the construct, the readiness
 * check and the simulated AWS share, from this file):
 * - The alarm: `Maximum` of the metric over one 60 s period, ALARM at >= 1. Route 53 supports only
 *   alarms on standard-resolution metrics with the Average, Minimum, Maximum, Sum or SampleCount
 *   statistic (Route 53 Developer Guide, "Values that you specify when you create or update health
 *   checks", Monitoring a CloudWatch alarm), so the period cannot be under 60 s: the alarm sees a
 *   new value at the end of the period holding it, at most period x evaluation periods = 60 s later.
 * - `TreatMissingData: ignore` ("the current alarm state is maintained", CloudWatch User Guide,
 *   "Configuring how CloudWatch alarms treat missing data"): the flag is published once, not
 *   continuously, so once the datapoint has left the evaluated period the alarm keeps its state;
 *   neither `notBreaching` (traffic would come back by itself one period after the flip) nor
 *   `breaching` (a new alarm with no data would send traffic away) fits a flag.
 * - The health check's `InsufficientDataHealthStatus: LastKnownStatus`: Route 53 "monitors the data
 *   stream for the corresponding alarm instead of monitoring the alarm state", and when the data
 *   stream "doesn't provide enough information to determine the state of the alarm" the health
 *   check takes this setting (Route 53 Developer Guide, "How Amazon Route 53 determines whether a
 *   health check is healthy", Health checks that monitor CloudWatch alarms). With the last known
 *   status a gap in publishing keeps traffic where the last value sent it; and "for new health
 *   checks that have no last known status, the default status for the health check is healthy"
 *   (CreateHealthCheck, HealthCheckConfig.InsufficientDataHealthStatus), so a fresh deployment
 *   answers with the PRIMARY record. Failing back is always explicit: a published 0.
 * - Route 53 documents no figure for how soon a CLOUDWATCH_METRIC health check follows the data
 *   stream, so the plan says how long to count (`healthCheckDelaySeconds`, default 60 s: one more
 *   standard-resolution period); the check waits it out in Wait states, without calling Route 53,
 *   and the report counts it in the RTO's routing part. Measure it in a live drill and set it.
 *   Resolvers then keep the old answer for the record's TTL, which no orchestrator can shorten.
 */

/** The flag's alarm as the construct creates it and the readiness check expects it. */
export const FLAG_ALARM = {
  statistic: 'Maximum',
  periodSeconds: 60,
  evaluationPeriods: 1,
  datapointsToAlarm: 1,
  threshold: 1,
  comparisonOperator: 'GreaterThanOrEqualToThreshold',
  treatMissingData: 'ignore',
} as const;

/** The Route 53 health check on the flag's alarm (see above for the choice). */
export const FLAG_HEALTH_CHECK = {
  type: 'CLOUDWATCH_METRIC',
  insufficientDataHealthStatus: 'LastKnownStatus',
} as const;

/** The value that sends traffic to the recovery region (failover), and the one that brings it home (failback). */
export const FLAG_VALUES = { failedOver: 1, home: 0 } as const;

const NAMESPACE = /^(?!AWS\/)[A-Za-z0-9.\-_/#:]{1,255}$/;

/** One DNS flag (the plan's `dnsFlags[]`). */
export const dnsFlagSchema = z.strictObject({
  /** Names the flag: the metric's `Flag` dimension, and the alarm's default name. */
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be lower-case letters, digits and hyphens'),
  /** The DNS name whose failover record pair the flag moves (notices and reports only). */
  recordName: z.string().min(1).max(253).optional(),
  /**
   * CloudWatch namespace of the flag's metric (not `AWS/…`); the function may publish only into
   * the plan's flag namespaces. @default FailoverOrchestrator/DnsFlags
   */
  namespace: z
    .string()
    .regex(NAMESPACE, 'must be a CloudWatch namespace not starting with AWS/')
    .default('FailoverOrchestrator/DnsFlags'),
  /** @default PrimaryFailedOver */
  metricName: z.string().min(1).max(255).default('PrimaryFailedOver'),
  /** The alarm in the recovery region that watches the metric. @default <plan name>-dns-flag-<id> */
  alarmName: z.string().min(1).max(255).optional(),
  /**
   * How long Route 53 takes to follow the alarm's data (not documented by Route 53: see above);
   * counted after the alarm has changed state. @default 60
   */
  healthCheckDelaySeconds: z.number().int('must be a whole number of seconds').min(0).max(900).default(60),
  /** Give up when the alarm has not followed the published value after this long. @default 600 */
  flipTimeoutSeconds: z.number().int('must be a whole number of seconds').min(120).max(3_600).default(600),
});
export type DnsFlagPlan = z.output<typeof dnsFlagSchema>;

/** The alarm's name: the plan's, else `<plan>-dns-flag-<id>`. */
export const flagAlarmName = (planName: string, flag: Pick<DnsFlagPlan, 'id' | 'alarmName'>): string =>
  flag.alarmName ?? `${planName}-dns-flag-${flag.id}`;

/** The metric's dimensions: the plan and the flag (two plans may share a namespace). */
export const flagDimensions = (planName: string, flag: Pick<DnsFlagPlan, 'id'>) =>
  [
    { Name: 'Plan', Value: planName },
    { Name: 'Flag', Value: flag.id },
  ] as const;

type FlagPlan = PlanCore & { readonly dnsFlags: readonly DnsFlagPlan[] };

/** The alarm (and its Route 53 health check) the construct creates for each flag. */
export const flagAlarms = (plan: FlagPlan): KindAlarm[] =>
  plan.dnsFlags.map((flag) => ({
    key: `dns-flag-${flag.id}`,
    alarmName: flagAlarmName(plan.name, flag),
    description:
      `failover-orchestrator ${plan.name}: DNS flag ${flag.id}${flag.recordName ? ` (${flag.recordName})` : ''}. ` +
      `ALARM = traffic on the recovery region (${plan.recoveryRegion}); OK = on the primary. ` +
      'Flipped by the orchestrator with PutMetricData; a Route 53 health check follows it.',
    namespace: flag.namespace,
    metricName: flag.metricName,
    dimensions: flagDimensions(plan.name, flag),
    statistic: FLAG_ALARM.statistic,
    periodSeconds: FLAG_ALARM.periodSeconds,
    evaluationPeriods: FLAG_ALARM.evaluationPeriods,
    datapointsToAlarm: FLAG_ALARM.datapointsToAlarm,
    threshold: FLAG_ALARM.threshold,
    comparisonOperator: FLAG_ALARM.comparisonOperator,
    treatMissingData: FLAG_ALARM.treatMissingData,
    healthCheck: {
      name: `${plan.name}-dns-flag-${flag.id}`,
      insufficientDataHealthStatus: FLAG_HEALTH_CHECK.insufficientDataHealthStatus,
    },
  }));

const alarmArns = (plan: FlagPlan, { partition, account }: ArnScope): string[] =>
  plan.dnsFlags.map(
    (flag) =>
      `arn:${partition}:cloudwatch:${plan.recoveryRegion}:${account}:alarm:${flagAlarmName(plan.name, flag)}`,
  );

export const dnsFlagKind = defineKind({
  id: 'dns-flag',
  planKey: 'dnsFlags',
  itemSchema: dnsFlagSchema,
  maxItems: 20,
  noun: 'DNS flags',
  title: 'DNS flags (Route 53 failover records through a CloudWatch metric)',
  phase: 'route',
  hasGate: true,
  states: {
    gate: 'Preflight DNS Flags',
    gateWait: 'Wait To Preflight DNS Flags',
    gatePassed: 'All DNS Flags Preflighted?',
    start: 'Flip DNS Flags',
    check: 'Check DNS Flags',
    wait: 'Wait For Route 53',
    doneChoice: 'All DNS Flags Routed?',
    done: 'DNS Flags Routed',
    readBack: 'Read Back DNS Flags',
    readBackFailed: 'DNS Flags Not Read Back',
  },
  // The alarm follows within a period; then Route 53's delay; the plan's timeout bounds both.
  budgetSeconds: (items) => ({
    gate: 0,
    change: Math.max(0, ...items.map((flag) => flag.flipTimeoutSeconds + flag.healthCheckDelaySeconds)),
  }),
  services: ['cloudwatch'],
  label: (item) => item.recordName ?? item.id,
  crossFieldIssues: (document) => {
    const planName = typeof document.name === 'string' ? document.name : '';
    const seen = new Set<unknown>();
    const alarms = new Set<string>();
    const issues = [];
    for (const [i, flag] of records(document.dnsFlags).entries()) {
      if (typeof flag.id === 'string' && seen.has(flag.id))
        issues.push({ path: 'dnsFlags', message: `flag "${flag.id}" is listed more than once` });
      seen.add(flag.id);
      if (typeof flag.id !== 'string') continue;
      const alarm = flagAlarmName(planName, {
        id: flag.id,
        alarmName: typeof flag.alarmName === 'string' ? flag.alarmName : undefined,
      });
      if (alarms.has(alarm))
        issues.push({ path: `dnsFlags[${i}].alarmName`, message: `alarm "${alarm}" is used by two flags` });
      alarms.add(alarm);
    }
    return issues;
  },
  permissions: (plan, scope) =>
    plan.dnsFlags.length === 0
      ? []
      : [
          // PutMetricData has no resource types; its condition key cloudwatch:namespace limits it
          // to the plan's flag namespaces (Service Authorization Reference, Amazon CloudWatch).
          {
            actions: ['cloudwatch:PutMetricData'],
            resources: ['*'],
            conditions: {
              StringEquals: {
                'cloudwatch:namespace': [...new Set(plan.dnsFlags.map((flag) => flag.namespace))],
              },
            },
          },
          { actions: ['cloudwatch:DescribeAlarms'], resources: alarmArns(plan, scope) },
        ],
  alarms: flagAlarms,
  readinessPermissions: (plan, scope) =>
    plan.dnsFlags.length === 0
      ? []
      : [{ actions: ['cloudwatch:DescribeAlarms'], resources: alarmArns(plan, scope) }],
});
