import * as z from 'zod';
import { defineKind, records } from '../kind-definition.js';
import {
  MANAGED_NODE_MESSAGE,
  MANAGED_NODE_PATTERN,
  runCommandPermissions,
} from '../run-command-definition.js';
import { REDIS_SENTINEL_DOCUMENTS } from './documents/index.js';

const seconds = (max: number) => z.number().int('must be a whole number of seconds').min(0).max(max);
const node = z.string().regex(MANAGED_NODE_PATTERN, MANAGED_NODE_MESSAGE);
const host = z.string().regex(/^[A-Za-z0-9_.:-]{1,255}$/, 'a host name or address');
const port = z.number().int().min(1).max(65_535);
const file = z.string().regex(/^\/[A-Za-z0-9_./-]{1,255}$/, 'an absolute path');

/**
 * One Redis master watched by Sentinel to fail over to a chosen replica (the plan's
 * `redisSentinels[]`): the documents run on the recovery replica's own server (a managed node),
 * which reaches the Sentinel and the Redis nodes with redis-cli.
 */
export const redisSentinelSchema = z.strictObject({
  /** Short id for messages and records. */
  id: z
    .string()
    .regex(/^[a-zA-Z][a-zA-Z0-9_-]{0,62}$/, 'must start with a letter and use letters, digits, _ or -'),
  /** The master's name in Sentinel's configuration (`sentinel monitor <name> …`). */
  masterName: z.string().regex(/^[A-Za-z0-9_.-]{1,128}$/),
  /** The managed node the documents run on: the recovery replica's server. */
  node,
  /** The Sentinel to ask, as the node reaches it. @default 127.0.0.1 */
  sentinelHost: host.default('127.0.0.1'),
  /** @default 26379 */
  sentinelPort: port.default(26_379),
  /** The recovery replica as Sentinel names it (its announced address). */
  recoveryHost: host,
  /** @default 6379 */
  recoveryPort: port.default(6379),
  /** A file on the node holding the Redis password; none when Redis needs none. */
  passwordFile: file.optional(),
  /** A file on the node holding Sentinel's password; none when Sentinel needs none. */
  sentinelPasswordFile: file.optional(),
  /** Highest acceptable replication offset lag (bytes) at failover, when the master still answers. @default 1048576 */
  maxOffsetLag: z.number().int().min(0).max(1e15).default(1_048_576),
  /** How long to wait for the link and the lag before applying `onLagExceeded`. @default 60 */
  lagWaitSeconds: seconds(3_600).default(60),
  /** @default 'abort' */
  onLagExceeded: z.enum(['abort', 'promote']).default('abort'),
  /** Give up when Sentinel does not name the recovery node as master, with ROLE master, after this long. @default 180 */
  failoverTimeoutSeconds: seconds(86_400).min(30).default(180),
  /** Skipped with a warning when its node is offline or its lag is over the threshold (abort). @default false */
  optional: z.boolean().default(false),
});
export type RedisSentinelPlan = z.output<typeof redisSentinelSchema>;

const ALL_DOCUMENTS = [
  REDIS_SENTINEL_DOCUMENTS.gate,
  REDIS_SENTINEL_DOCUMENTS.start,
  REDIS_SENTINEL_DOCUMENTS.check,
  REDIS_SENTINEL_DOCUMENTS.readBack,
];

export const redisSentinelKind = defineKind({
  id: 'redis-sentinel',
  planKey: 'redisSentinels',
  itemSchema: redisSentinelSchema,
  maxItems: 50,
  noun: 'Redis masters',
  title: 'Self-hosted Redis with Sentinel (SSM Run Command)',
  phase: 'recover',
  hasGate: true,
  states: {
    gate: 'Check Redis Replica Links',
    gateWait: 'Wait For Redis Replicas',
    gatePassed: 'Redis Replicas Linked?',
    start: 'Fail Over Redis Masters',
    check: 'Check Redis Masters',
    wait: 'Wait For Redis Failovers',
    doneChoice: 'All Redis Masters Moved?',
    done: 'Redis Masters Moved',
    readBack: 'Read Back Redis Masters',
    readBackFailed: 'Redis Masters Not Read Back',
  },
  budgetSeconds: (items) => ({
    gate: Math.max(0, ...items.map((item) => item.lagWaitSeconds)),
    change: Math.max(0, ...items.map((item) => item.failoverTimeoutSeconds)),
  }),
  services: ['ssm'],
  label: (item) => `${item.masterName} on ${item.node}`,
  crossFieldIssues: (document) => {
    const issues = [];
    const ids = new Set<unknown>();
    const masters = new Set<unknown>();
    for (const item of records(document.redisSentinels)) {
      if (typeof item.id === 'string' && ids.has(item.id))
        issues.push({ path: 'redisSentinels', message: `Redis id "${item.id}" is used more than once` });
      if (typeof item.masterName === 'string' && masters.has(item.masterName))
        issues.push({
          path: 'redisSentinels',
          message: `Redis master "${item.masterName}" is listed more than once`,
        });
      ids.add(item.id);
      masters.add(item.masterName);
    }
    return issues;
  },
  permissions: (plan, scope) =>
    runCommandPermissions(
      plan,
      scope,
      'redis-sentinel',
      ALL_DOCUMENTS,
      plan.redisSentinels.map((item) => item.node),
    ),
  readinessPermissions: (plan, scope) =>
    runCommandPermissions(
      plan,
      scope,
      'redis-sentinel',
      [REDIS_SENTINEL_DOCUMENTS.gate],
      plan.redisSentinels.map((item) => item.node),
    ),
});
