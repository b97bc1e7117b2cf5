import * as z from 'zod';
import { defineKind, records, type Loose } from '../kind-definition.js';
import {
  MANAGED_NODE_MESSAGE,
  MANAGED_NODE_PATTERN,
  runCommandPermissions,
} from '../run-command-definition.js';
import { POSTGRES_REPLICA_DOCUMENTS } from './documents/index.js';

const seconds = (max: number) => z.number().int('must be a whole number of seconds').min(0).max(max);
const node = z.string().regex(MANAGED_NODE_PATTERN, MANAGED_NODE_MESSAGE);
const name = z.string().regex(/^[A-Za-z0-9_-]{1,63}$/, 'letters, digits, _ or -, at most 63');

/**
 * One self-hosted PostgreSQL streaming replica to promote (the plan's `postgresReplicas[]`),
 * through SSM Run Command on the replica's server (a managed node). The documents' parameters
 * come from these fields (functions/kinds/postgres-replica/documents/).
 */
export const postgresReplicaSchema = z.strictObject({
  /** Short id for messages and records. */
  id: z
    .string()
    .regex(/^[a-zA-Z][a-zA-Z0-9_-]{0,62}$/, 'must start with a letter and use letters, digits, _ or -'),
  /** The managed node of the current primary (the failback re-seeds it as a standby; not commanded by the failover). */
  primaryNode: node,
  /** The managed node of the streaming replica to promote: every document runs there. */
  replicaNode: node,
  /** Where psql connects on the replica's node: a Unix socket directory or a host. @default /var/run/postgresql */
  host: z
    .string()
    .regex(/^[A-Za-z0-9_./:-]{1,255}$/)
    .default('/var/run/postgresql'),
  /** @default 5432 */
  port: z.number().int().min(1).max(65_535).default(5432),
  /** @default postgres */
  database: name.default('postgres'),
  /** The role psql connects as (a superuser, or pg_monitor plus EXECUTE on pg_promote). @default postgres */
  dbUser: name.default('postgres'),
  /** The OS user psql runs as (peer authentication on the socket). @default postgres */
  osUser: z
    .string()
    .regex(/^[a-z_][a-z0-9_-]{0,31}$/)
    .default('postgres'),
  /** Highest acceptable replay lag at promotion (the RPO gate). */
  maxLagSeconds: seconds(86_400),
  /** Highest acceptable received-but-not-replayed WAL at promotion. @default 16777216 (16 MiB) */
  maxLagBytes: z.number().int().min(0).max(1e15).default(16_777_216),
  /** How long to wait for lag to fall under the threshold before applying `onLagExceeded`. @default 120 */
  lagWaitSeconds: seconds(3_600).default(120),
  /** What to do when lag is still too high after `lagWaitSeconds`. @default 'abort' */
  onLagExceeded: z.enum(['abort', 'promote']).default('abort'),
  /** Give up on the promotion (until the server accepts writes) after this long. @default 300 */
  promotionTimeoutSeconds: seconds(86_400).min(30).default(300),
  /** Skipped with a warning when its node is offline or its lag is over the threshold (abort). @default false */
  optional: z.boolean().default(false),
});
export type PostgresReplicaPlan = z.output<typeof postgresReplicaSchema>;

const ALL_DOCUMENTS = [
  POSTGRES_REPLICA_DOCUMENTS.gate,
  POSTGRES_REPLICA_DOCUMENTS.start,
  POSTGRES_REPLICA_DOCUMENTS.check,
  POSTGRES_REPLICA_DOCUMENTS.readBack,
];

export const postgresReplicaKind = defineKind({
  id: 'postgres-replica',
  planKey: 'postgresReplicas',
  itemSchema: postgresReplicaSchema,
  maxItems: 50,
  noun: 'PostgreSQL replicas',
  title: 'Self-hosted PostgreSQL streaming replicas (SSM Run Command)',
  phase: 'recover',
  hasGate: true,
  states: {
    gate: 'Check PostgreSQL Replica Lag',
    gateWait: 'Wait For PostgreSQL Lag To Fall',
    gatePassed: 'PostgreSQL Lag Within Threshold?',
    start: 'Promote PostgreSQL Replicas',
    check: 'Check PostgreSQL Promotions',
    wait: 'Wait For PostgreSQL Promotions',
    doneChoice: 'All PostgreSQL Replicas Writable?',
    done: 'PostgreSQL Replicas Promoted',
    readBack: 'Read Back PostgreSQL Replicas',
    readBackFailed: 'PostgreSQL Replicas Not Read Back',
  },
  budgetSeconds: (items) => ({
    gate: Math.max(0, ...items.map((item) => item.lagWaitSeconds)),
    change: Math.max(0, ...items.map((item) => item.promotionTimeoutSeconds)),
  }),
  services: ['ssm'],
  label: (item) => `${item.id} on ${item.replicaNode}`,
  crossFieldIssues: (document) => {
    const rpo = (document.objectives as Loose | undefined)?.rpoSeconds;
    const items = records(document.postgresReplicas);
    const issues = items.flatMap((item, i) => [
      ...(typeof item.maxLagSeconds === 'number' && typeof rpo === 'number' && item.maxLagSeconds > rpo
        ? [
            {
              path: `postgresReplicas[${i}].maxLagSeconds`,
              message: `${item.maxLagSeconds}s exceeds objectives.rpoSeconds (${rpo}s): the RPO gate would allow breaking the RPO`,
            },
          ]
        : []),
      ...(typeof item.primaryNode === 'string' && item.primaryNode === item.replicaNode
        ? [{ path: `postgresReplicas[${i}].replicaNode`, message: 'must differ from primaryNode' }]
        : []),
    ]);
    const ids = new Set<unknown>();
    for (const item of items) {
      if (typeof item.id === 'string' && ids.has(item.id))
        issues.push({
          path: 'postgresReplicas',
          message: `PostgreSQL replica id "${item.id}" is used more than once`,
        });
      ids.add(item.id);
    }
    return issues;
  },
  permissions: (plan, scope) =>
    runCommandPermissions(
      plan,
      scope,
      'postgres-replica',
      ALL_DOCUMENTS,
      plan.postgresReplicas.map((item) => item.replicaNode),
    ),
  readinessPermissions: (plan, scope) =>
    runCommandPermissions(
      plan,
      scope,
      'postgres-replica',
      [POSTGRES_REPLICA_DOCUMENTS.gate],
      plan.postgresReplicas.map((item) => item.replicaNode),
    ),
});
