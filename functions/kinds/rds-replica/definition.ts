import * as z from 'zod';
import { defineKind, records, type ArnScope } from '../kind-definition.js';
import { lagOverRpoIssues, lagPolicyFields, wholeSeconds } from '../lag-policy.js';

/** One cross-region RDS read replica to promote (the plan's `databases[]`). */
export const databaseSchema = z.strictObject({
  /** Short id used in parameter templates: `{{databases.<id>.endpoint}}`. */
  id: z
    .string()
    .regex(/^[a-zA-Z][a-zA-Z0-9_-]{0,62}$/, 'must start with a letter and use letters, digits, _ or -'),
  /** DB instance identifier of the cross-region read replica in the recovery region. */
  replica: z
    .string()
    .regex(
      /^[a-zA-Z][a-zA-Z0-9-]{0,62}$/,
      'must be an RDS DB instance identifier (letters, digits, hyphens)',
    ),
  /**
   * DB instance identifier of the replica's source, the primary in the primary region (issue 10):
   * the instance a failover fences (stops, after a final snapshot) and a failback makes primary
   * again. Without it the database is neither fenced nor failed back.
   */
  primary: z
    .string()
    .regex(/^[a-zA-Z][a-zA-Z0-9-]{0,62}$/, 'must be an RDS DB instance identifier (letters, digits, hyphens)')
    .optional(),
  /** Failback's re-protection: the instance class of the replicas it creates. @default the source's class */
  instanceClass: z
    .string()
    .regex(/^db\.[a-z0-9]+\.[a-z0-9]+$/, 'must be an RDS instance class such as db.r6g.large')
    .optional(),
  /** Failback's re-protection: the DB parameter group of the replicas it creates. @default the source's */
  parameterGroup: z.string().min(1).max(255).optional(),
  /** KMS key (ARN, id or alias) in the primary region for the replica failback creates there. */
  primaryKmsKeyId: z.string().min(1).max(2048).optional(),
  /** KMS key (ARN, id or alias) in the recovery region for the fresh replica failback creates there. */
  recoveryKmsKeyId: z.string().min(1).max(2048).optional(),
  /** Highest acceptable ReplicaLag at promotion (the RPO gate), lag wait and policy. */
  ...lagPolicyFields,
  /** Give up on promotion after this long. RDS promotion usually takes minutes. @default 1800 */
  promotionTimeoutSeconds: wholeSeconds(86_400).min(60).default(1_800),
  /**
   * A database the failover can do without: when the gate finds its replica missing, or its lag
   * still over the threshold with `onLagExceeded: abort`, it is skipped (never promoted) with a
   * warning in the notice instead of stopping the failover. Parameters naming it must be
   * optional too. @default false
   */
  optional: z.boolean().default(false),
});
export type DatabasePlan = z.output<typeof databaseSchema>;

const replicaArns = (
  databases: readonly DatabasePlan[],
  region: string,
  { partition, account }: ArnScope,
): string[] => databases.map((db) => `arn:${partition}:rds:${region}:${account}:db:${db.replica}`);

export const rdsReplicaKind = defineKind({
  id: 'rds-replica',
  planKey: 'databases',
  itemSchema: databaseSchema,
  maxItems: 100,
  noun: 'replicas',
  title: 'RDS read replicas',
  phase: 'recover',
  hasGate: true,
  // Issue 10: the old primary (`primary`) is stopped after a final snapshot.
  states: {
    gate: 'Check Replica Lag',
    gateWait: 'Wait For Lag To Fall',
    gatePassed: 'Lag Within Threshold?',
    start: 'Promote Replicas',
    check: 'Check Promotions',
    wait: 'Wait For Promotions',
    doneChoice: 'All Replicas Promoted?',
    done: 'Replicas Promoted',
    readBack: 'Read Back Replicas',
    readBackFailed: 'Replicas Not Read Back',
    fence: 'Stop Old Primaries',
    fenceFailed: 'Old Primaries Not Stopped',
  },
  fences:
    'stops the old primary (databases[].primary) in the primary region after a final snapshot; RDS starts a stopped instance again after seven days',
  fenceNoun: 'old primary',
  fenceLabel: (item) => item.primary,
  budgetSeconds: (items) => ({
    gate: Math.max(0, ...items.map((db) => db.lagWaitSeconds)),
    // Waiting for a promotable state (backing-up) and the promotion are each bounded by the timeout.
    change: 2 * Math.max(0, ...items.map((db) => db.promotionTimeoutSeconds)),
  }),
  services: ['rds', 'cloudwatch'],
  label: (item) => item.replica,
  crossFieldIssues: (document) => {
    const issues = lagOverRpoIssues(document, 'databases');
    const seen = { id: new Set<unknown>(), replica: new Set<unknown>() };
    for (const db of records(document.databases)) {
      if (typeof db.id === 'string' && seen.id.has(db.id))
        issues.push({ path: 'databases', message: `database id "${db.id}" is used more than once` });
      if (typeof db.replica === 'string' && seen.replica.has(db.replica))
        issues.push({ path: 'databases', message: `replica "${db.replica}" is listed more than once` });
      seen.id.add(db.id);
      seen.replica.add(db.replica);
    }
    return issues;
  },
  permissions: (plan, scope) => {
    const replicas = replicaArns(plan.databases, plan.recoveryRegion, scope);
    if (replicas.length === 0) return [];
    const primaries = plan.databases.flatMap((db) =>
      db.primary === undefined
        ? []
        : [`arn:${scope.partition}:rds:${plan.primaryRegion}:${scope.account}:db:${db.primary}`],
    );
    // The fence's final snapshots, `<primary>-final-<yyyymmddhhmm>`, taken by StopDBInstance.
    const finalSnapshots = plan.databases.flatMap((db) =>
      db.primary === undefined
        ? []
        : [
            `arn:${scope.partition}:rds:${plan.primaryRegion}:${scope.account}:snapshot:${db.primary}-final-*`,
          ],
    );
    const arn = (region: string, id: string) =>
      `arn:${scope.partition}:rds:${region}:${scope.account}:db:${id}`;
    // Failback (issue 10, reprotect.ts, failback.ts): the recovery replica and the home primary,
    // and the instances renamed aside (`<id>-stale-<yyyymmddhhmm>`). The code is in every
    // bundle; the primary region's instances only where the plan names them.
    const failback = plan.databases.flatMap((db) => [
      arn(plan.recoveryRegion, db.replica),
      arn(plan.recoveryRegion, `${db.replica}-stale-*`),
      ...(db.primary !== undefined
        ? [arn(plan.primaryRegion, db.primary), arn(plan.primaryRegion, `${db.primary}-stale-*`)]
        : []),
    ]);
    return [
      { actions: ['rds:DescribeDBInstances', 'rds:PromoteReadReplica'], resources: replicas },
      // ReplicaLag through GetMetricData, which has no resource-level permissions.
      { actions: ['cloudwatch:GetMetricData'], resources: ['*'] },
      // The fence (issue 10): the old primaries only, in the primary region.
      ...(primaries.length === 0
        ? []
        : [
            { actions: ['rds:DescribeDBInstances'], resources: primaries },
            {
              actions: ['rds:StopDBInstance', 'rds:DescribeDBSnapshots'],
              resources: [...primaries, ...finalSnapshots],
            },
          ]),
      {
        actions: [
          'rds:DescribeDBInstances',
          'rds:PromoteReadReplica',
          'rds:CreateDBInstanceReadReplica',
          'rds:ModifyDBInstance',
          'rds:StartDBInstance',
          'rds:StopDBInstance',
        ],
        resources: failback,
      },
    ];
  },
  readinessPermissions: (plan, scope) => {
    const replicas = replicaArns(plan.databases, plan.recoveryRegion, scope);
    if (replicas.length === 0) return [];
    return [
      { actions: ['rds:DescribeDBInstances'], resources: replicas },
      // ReplicaLag through GetMetricData (replica-lag.ts latestReplicaLag).
      { actions: ['cloudwatch:GetMetricData'], resources: ['*'] },
    ];
  },
});
