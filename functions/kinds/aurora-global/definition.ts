import * as z from 'zod';
import { defineKind, records, type ArnScope, type PlanCore } from '../kind-definition.js';
import { lagOverRpoIssues, lagPolicyFields, wholeSeconds } from '../lag-policy.js';

const clusterIdentifier = (what: string) =>
  z
    .string()
    .regex(
      /^[a-zA-Z][a-zA-Z0-9-]{0,62}$/,
      `must be ${what} identifier (a letter, then letters, digits, hyphens; at most 63)`,
    );

/**
 * One Aurora global database to fail over to its secondary DB cluster in the recovery region
 * (the plan's `auroraGlobalClusters[]`). A drill (planned) switches over with no data loss
 * (SwitchoverGlobalCluster); an alarm (unplanned) fails over allowing data loss
 * (FailoverGlobalCluster with AllowDataLoss), gated on the secondary's RPO lag.
 */
export const auroraGlobalClusterSchema = z.strictObject({
  /** Short id used in parameter templates: `{{auroraGlobalClusters.<id>.writerEndpoint}}`. */
  id: z
    .string()
    .regex(/^[a-zA-Z][a-zA-Z0-9_-]{0,62}$/, 'must start with a letter and use letters, digits, _ or -'),
  /** The global cluster (GlobalClusterIdentifier). */
  globalCluster: clusterIdentifier('an Aurora global cluster'),
  /** The secondary DB cluster in the recovery region that becomes the writer (its ARN is built from the plan). */
  recoveryCluster: clusterIdentifier('a DB cluster'),
  /** AuroraGlobalDBRPOLag threshold (seconds), lag wait and policy, as for RDS read replicas. */
  ...lagPolicyFields,
  /**
   * Give up when the recovery cluster is not the writer this long after the call (or while
   * another switchover or failover is under way). A global failover usually takes minutes. @default 1800
   */
  failoverTimeoutSeconds: wholeSeconds(86_400).min(60).default(1_800),
  /**
   * A database the failover can do without: when the gate finds its global cluster or recovery
   * member missing, or its lag still over the threshold with `onLagExceeded: abort`, it is skipped
   * (never failed over) with a warning in the notice instead of stopping the failover. Parameters
   * naming it must be optional too. @default false
   */
  optional: z.boolean().default(false),
});
export type AuroraGlobalClusterPlan = z.output<typeof auroraGlobalClusterSchema>;

/** The recovery cluster's ARN: what FailoverGlobalCluster and SwitchoverGlobalCluster take as target. */
export const recoveryClusterArn = (
  item: Pick<AuroraGlobalClusterPlan, 'recoveryCluster'>,
  region: string,
  { partition, account }: ArnScope,
): string => `arn:${partition}:rds:${region}:${account}:cluster:${item.recoveryCluster}`;

/**
 * A global cluster's ARN has no region (Aurora user guide, "Constructing an ARN for Amazon RDS":
 * `arn:aws:rds::<account>:global-cluster:<name>`).
 */
const globalClusterArn = (item: AuroraGlobalClusterPlan, { partition, account }: ArnScope): string =>
  `arn:${partition}:rds::${account}:global-cluster:${item.globalCluster}`;

type AuroraPlan = PlanCore & { readonly auroraGlobalClusters: readonly AuroraGlobalClusterPlan[] };
const arns = (plan: AuroraPlan, scope: ArnScope) => ({
  globals: [...new Set(plan.auroraGlobalClusters.map((item) => globalClusterArn(item, scope)))],
  clusters: plan.auroraGlobalClusters.map((item) => recoveryClusterArn(item, plan.recoveryRegion, scope)),
});

export const auroraGlobalKind = defineKind({
  id: 'aurora-global',
  planKey: 'auroraGlobalClusters',
  itemSchema: auroraGlobalClusterSchema,
  maxItems: 50,
  noun: 'global clusters',
  title: 'Aurora Global Database clusters',
  phase: 'recover',
  hasGate: true,
  states: {
    gate: 'Check Global Database Lag',
    gateWait: 'Wait For Global Lag To Fall',
    gatePassed: 'Global Lag Within Threshold?',
    start: 'Fail Over Global Databases',
    check: 'Check Global Failovers',
    wait: 'Wait For Global Failovers',
    doneChoice: 'All Global Databases Failed Over?',
    done: 'Global Databases Failed Over',
    readBack: 'Read Back Global Databases',
    readBackFailed: 'Global Databases Not Read Back',
  },
  budgetSeconds: (items) => ({
    gate: Math.max(0, ...items.map((item) => item.lagWaitSeconds)),
    // Waiting out a switchover or failover already under way, then our own, each bounded by the timeout.
    change: 2 * Math.max(0, ...items.map((item) => item.failoverTimeoutSeconds)),
  }),
  services: ['rds', 'cloudwatch'],
  label: (item) => `${item.globalCluster}/${item.recoveryCluster}`,
  templateOutputs: { noun: 'global database', fields: ['writerEndpoint', 'port', 'clusterId'] },
  crossFieldIssues: (document) => {
    const items = records(document.auroraGlobalClusters);
    const issues = lagOverRpoIssues(document, 'auroraGlobalClusters');
    const seen = { id: new Set<unknown>(), globalCluster: new Set<unknown>() };
    for (const item of items) {
      if (typeof item.id === 'string' && seen.id.has(item.id))
        issues.push({ path: 'auroraGlobalClusters', message: `id "${item.id}" is used more than once` });
      if (typeof item.globalCluster === 'string' && seen.globalCluster.has(item.globalCluster))
        issues.push({
          path: 'auroraGlobalClusters',
          message: `global cluster "${item.globalCluster}" is listed more than once (one recovery cluster each)`,
        });
      seen.id.add(item.id);
      seen.globalCluster.add(item.globalCluster);
    }
    return issues;
  },
  // Service Authorization Reference (Amazon RDS): DescribeGlobalClusters takes the global-cluster
  // resource; FailoverGlobalCluster and SwitchoverGlobalCluster take both the global-cluster and the
  // target cluster; DescribeDBClusters the cluster.
  permissions: (plan, scope) => {
    if (plan.auroraGlobalClusters.length === 0) return [];
    const { globals, clusters } = arns(plan, scope);
    return [
      { actions: ['rds:DescribeGlobalClusters'], resources: globals },
      { actions: ['rds:DescribeDBClusters'], resources: clusters },
      {
        actions: ['rds:FailoverGlobalCluster', 'rds:SwitchoverGlobalCluster'],
        resources: [...globals, ...clusters],
      },
      // AuroraGlobalDBRPOLag through GetMetricData, which has no resource-level permissions.
      { actions: ['cloudwatch:GetMetricData'], resources: ['*'] },
    ];
  },
  readinessPermissions: (plan, scope) => {
    if (plan.auroraGlobalClusters.length === 0) return [];
    const { globals } = arns(plan, scope);
    return [
      { actions: ['rds:DescribeGlobalClusters'], resources: globals },
      { actions: ['cloudwatch:GetMetricData'], resources: ['*'] },
    ];
  },
});
