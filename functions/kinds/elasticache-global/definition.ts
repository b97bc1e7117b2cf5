import * as z from 'zod';
import { defineKind, records, type ArnScope, type Loose } from '../kind-definition.js';

const seconds = (max: number) => z.number().int('must be a whole number of seconds').min(0).max(max);

/**
 * One ElastiCache (Valkey / Redis OSS) Global Datastore to fail over to the recovery region (the
 * plan's `globalDatastores[]`): FailoverGlobalReplicationGroup makes the recovery region's
 * replication group the primary, and every other member a secondary.
 */
export const globalDatastoreSchema = z.strictObject({
  /** Short id used in parameter templates: `{{globalDatastores.<id>.endpoint}}`. */
  id: z
    .string()
    .regex(/^[a-zA-Z][a-zA-Z0-9_-]{0,62}$/, 'must start with a letter and use letters, digits, _ or -'),
  /**
   * The Global Datastore's id: ElastiCache puts a prefix naming the Region it was created in
   * before the suffix chosen at creation (`ldgnf-my-global`; CreateGlobalReplicationGroup,
   * GlobalReplicationGroupIdSuffix).
   */
  globalReplicationGroupId: z
    .string()
    .regex(
      /^[a-z]{5}-[a-zA-Z0-9][a-zA-Z0-9-]{0,239}$/,
      'must be a Global Datastore id: the five-letter Region prefix ElastiCache adds, a hyphen and the suffix (e.g. ldgnf-my-global)',
    ),
  /** The Global Datastore's member replication group in the recovery region, which becomes the primary. */
  replicationGroup: z
    .string()
    .regex(
      /^[a-zA-Z](?!.*--)[a-zA-Z0-9-]{0,39}(?<!-)$/,
      'must be an ElastiCache replication group id (1-40 letters, digits and single hyphens, starting with a letter)',
    ),
  /** Highest acceptable GlobalDatastoreReplicationLag at failover (the RPO gate). */
  maxLagSeconds: seconds(86_400),
  /** How long to wait for lag to fall under the threshold before applying `onLagExceeded`. @default 120 */
  lagWaitSeconds: seconds(3_600).default(120),
  /** What to do when lag is still too high after `lagWaitSeconds`: stop, or fail over anyway. @default 'abort' */
  onLagExceeded: z.enum(['abort', 'promote']).default('abort'),
  /** Give up on the failover after this long. A Global Datastore fails over in minutes. @default 1800 */
  failoverTimeoutSeconds: seconds(86_400).min(60).default(1_800),
  /**
   * A Global Datastore the failover can do without: when the gate finds it missing or not ready
   * to fail over, or its lag still over the threshold with `onLagExceeded: abort`, it is skipped
   * (never failed over) with a warning in the notice instead of stopping the failover. Parameters
   * naming it must be optional too. @default false
   */
  optional: z.boolean().default(false),
});
export type GlobalDatastorePlan = z.output<typeof globalDatastoreSchema>;

/**
 * The ARNs the kind acts on (Service Authorization Reference, Amazon ElastiCache): a global
 * replication group's ARN has no Region (`arn:aws:elasticache::<account>:globalreplicationgroup:<id>`),
 * a replication group's has its Region.
 */
const globalArns = (datastores: readonly GlobalDatastorePlan[], { partition, account }: ArnScope): string[] =>
  datastores.map(
    (datastore) =>
      `arn:${partition}:elasticache::${account}:globalreplicationgroup:${datastore.globalReplicationGroupId}`,
  );
const groupArns = (
  datastores: readonly GlobalDatastorePlan[],
  region: string,
  { partition, account }: ArnScope,
): string[] =>
  datastores.map(
    (datastore) =>
      `arn:${partition}:elasticache:${region}:${account}:replicationgroup:${datastore.replicationGroup}`,
  );

/** Reads (describe the datastore and the recovery group, and the lag metric) for the gate, check and readiness. */
const readPermissions = (datastores: readonly GlobalDatastorePlan[], region: string, scope: ArnScope) => [
  { actions: ['elasticache:DescribeGlobalReplicationGroups'], resources: globalArns(datastores, scope) },
  { actions: ['elasticache:DescribeReplicationGroups'], resources: groupArns(datastores, region, scope) },
  // GlobalDatastoreReplicationLag through GetMetricData, which has no resource-level permissions.
  { actions: ['cloudwatch:GetMetricData'], resources: ['*'] },
];

export const elastiCacheGlobalKind = defineKind({
  id: 'elasticache-global',
  planKey: 'globalDatastores',
  itemSchema: globalDatastoreSchema,
  maxItems: 20,
  noun: 'global datastores',
  title: 'ElastiCache Global Datastores',
  phase: 'recover',
  hasGate: true,
  states: {
    gate: 'Check Global Datastore Lag',
    gateWait: 'Wait For Global Datastore Lag',
    gatePassed: 'Global Datastore Lag Within Threshold?',
    start: 'Fail Over Global Datastores',
    check: 'Check Global Datastore Failovers',
    wait: 'Wait For Global Datastore Failovers',
    doneChoice: 'All Global Datastores Failed Over?',
    done: 'Global Datastores Failed Over',
    readBack: 'Read Back Global Datastores',
    readBackFailed: 'Global Datastores Not Read Back',
  },
  budgetSeconds: (items) => ({
    gate: Math.max(0, ...items.map((datastore) => datastore.lagWaitSeconds)),
    change: Math.max(0, ...items.map((datastore) => datastore.failoverTimeoutSeconds)),
  }),
  services: ['elasticache', 'cloudwatch'],
  label: (item) => item.globalReplicationGroupId,
  templateOutputs: {
    noun: 'global datastore',
    fields: ['endpoint', 'port', 'replicationGroupId'],
  },
  crossFieldIssues: (document) => {
    const rpo = (document.objectives as Loose | undefined)?.rpoSeconds;
    const datastores = records(document.globalDatastores);
    const issues = datastores.flatMap((datastore, i) =>
      typeof datastore.maxLagSeconds === 'number' && typeof rpo === 'number' && datastore.maxLagSeconds > rpo
        ? [
            {
              path: `globalDatastores[${i}].maxLagSeconds`,
              message: `${datastore.maxLagSeconds}s exceeds objectives.rpoSeconds (${rpo}s): the RPO gate would allow breaking the RPO`,
            },
          ]
        : [],
    );
    const seen = { id: new Set<unknown>(), global: new Set<unknown>() };
    for (const datastore of datastores) {
      if (typeof datastore.id === 'string' && seen.id.has(datastore.id))
        issues.push({
          path: 'globalDatastores',
          message: `global datastore id "${datastore.id}" is used more than once`,
        });
      if (
        typeof datastore.globalReplicationGroupId === 'string' &&
        seen.global.has(datastore.globalReplicationGroupId)
      )
        issues.push({
          path: 'globalDatastores',
          message: `global datastore "${datastore.globalReplicationGroupId}" is listed more than once`,
        });
      seen.id.add(datastore.id);
      seen.global.add(datastore.globalReplicationGroupId);
    }
    return issues;
  },
  permissions: (plan, scope) => {
    const datastores = plan.globalDatastores;
    if (datastores.length === 0) return [];
    return [
      ...readPermissions(datastores, plan.recoveryRegion, scope),
      // FailoverGlobalReplicationGroup authorizes on the global replication group and on the replication group it promotes.
      {
        actions: ['elasticache:FailoverGlobalReplicationGroup'],
        resources: [...globalArns(datastores, scope), ...groupArns(datastores, plan.recoveryRegion, scope)],
      },
    ];
  },
  readinessPermissions: (plan, scope) =>
    plan.globalDatastores.length === 0
      ? []
      : readPermissions(plan.globalDatastores, plan.recoveryRegion, scope),
});
