import * as z from 'zod';
import { defineKind, records, type ArnScope, type Loose } from '../kind-definition.js';

const seconds = (max: number) => z.number().int('must be a whole number of seconds').min(0).max(max);

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
  /** Highest acceptable ReplicaLag at promotion (the RPO gate). */
  maxLagSeconds: seconds(86_400),
  /** How long to wait for lag to fall under the threshold before applying `onLagExceeded`. @default 120 */
  lagWaitSeconds: seconds(3_600).default(120),
  /** What to do when lag is still too high after `lagWaitSeconds`. @default 'abort' */
  onLagExceeded: z.enum(['abort', 'promote']).default('abort'),
  /** Give up on promotion after this long. RDS promotion usually takes minutes. @default 1800 */
  promotionTimeoutSeconds: seconds(86_400).min(60).default(1_800),
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
  },
  budgetSeconds: (items) => ({
    gate: Math.max(0, ...items.map((db) => db.lagWaitSeconds)),
    // Waiting for a promotable state (backing-up) and the promotion are each bounded by the timeout.
    change: 2 * Math.max(0, ...items.map((db) => db.promotionTimeoutSeconds)),
  }),
  services: ['rds', 'cloudwatch'],
  label: (item) => item.replica,
  templateOutputs: { idField: 'id', noun: 'database', fields: ['endpoint', 'port', 'instanceId'] },
  crossFieldIssues: (document) => {
    const rpo = (document.objectives as Loose | undefined)?.rpoSeconds;
    const issues = records(document.databases).flatMap((db, i) =>
      typeof db.maxLagSeconds === 'number' && typeof rpo === 'number' && db.maxLagSeconds > rpo
        ? [
            {
              path: `databases[${i}].maxLagSeconds`,
              message: `${db.maxLagSeconds}s exceeds objectives.rpoSeconds (${rpo}s): the RPO gate would allow breaking the RPO`,
            },
          ]
        : [],
    );
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
    return [
      { actions: ['rds:DescribeDBInstances', 'rds:PromoteReadReplica'], resources: replicas },
      // ReplicaLag through GetMetricData, which has no resource-level permissions.
      { actions: ['cloudwatch:GetMetricData'], resources: ['*'] },
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
