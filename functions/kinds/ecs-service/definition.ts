import * as z from 'zod';
import { defineKind, records } from '../kind-definition.js';

const seconds = (max: number) => z.number().int('must be a whole number of seconds').min(0).max(max);
/** ECS cluster and service names: up to 255 letters, digits, hyphens and underscores. */
const ecsName = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,255}$/, 'must be 1 to 255 letters, digits, hyphens and underscores');

/** One ECS service of the recovery region to scale up (the plan's `ecsServices[]`). */
export const ecsServiceSchema = z.strictObject({
  /** Cluster name in the recovery region. */
  cluster: ecsName,
  /** Service name in that cluster. */
  service: ecsName,
  /** Tasks the service must run after a failover; the desired count only goes up to it, never down. */
  desiredCount: z.number().int().min(1).max(5_000),
  /** Give up waiting for the tasks to run (and the deployment to be steady) after this long. @default 900 */
  steadyTimeoutSeconds: seconds(86_400).min(60).default(900),
  /**
   * A service the failover can do without: when the preflight finds it missing (or not ACTIVE),
   * it is skipped with a warning in the notice instead of stopping the failover. @default false
   */
  optional: z.boolean().default(false),
});
export type EcsServicePlan = z.output<typeof ecsServiceSchema>;

/** The plan's name for one service: `cluster/service`, as ECS service ARNs end. */
export const serviceLabel = (item: { readonly cluster: string; readonly service: string }): string =>
  `${item.cluster}/${item.service}`;

export const ecsServiceKind = defineKind({
  id: 'ecs-service',
  planKey: 'ecsServices',
  itemSchema: ecsServiceSchema,
  maxItems: 100,
  noun: 'services',
  title: 'ECS services',
  phase: 'recover',
  hasGate: true,
  // Raising a desired count is undone exactly by setting the recorded count back.
  reversible: true,
  states: {
    gate: 'Preflight ECS Services',
    gateWait: 'Wait To Preflight ECS Services',
    gatePassed: 'All ECS Services Preflighted?',
    start: 'Scale ECS Services',
    check: 'Check ECS Services',
    wait: 'Wait For ECS Tasks',
    doneChoice: 'All ECS Services Steady?',
    done: 'ECS Services Scaled',
    readBack: 'Read Back ECS Services',
    readBackFailed: 'ECS Services Not Read Back',
    prewarm: 'Prewarm ECS Services',
    prewarmFailed: 'ECS Services Not Prewarmed',
    unwarm: 'Scale Prewarmed ECS Services Back',
    unwarmFailed: 'ECS Services Not Scaled Back',
  },
  // ECS names its 5xx ServerException (ECS API reference, Common errors), which the common
  // transient list does not: retry it like the other services' internal errors.
  extraRetry: [{ errors: ['ServerException'], intervalSeconds: 2, maxAttempts: 5, backoffRate: 2 }],
  budgetSeconds: (items) => ({
    gate: 0,
    change: Math.max(0, ...items.map((item) => item.steadyTimeoutSeconds)),
  }),
  services: ['ecs'],
  label: serviceLabel,
  crossFieldIssues: (document) => {
    const seen = new Set<string>();
    return records(document.ecsServices).flatMap((item, i) => {
      if (typeof item.cluster !== 'string' || typeof item.service !== 'string') return [];
      const label = serviceLabel({ cluster: item.cluster, service: item.service });
      if (!seen.has(label)) {
        seen.add(label);
        return [];
      }
      return [{ path: `ecsServices[${i}]`, message: `service "${label}" is listed more than once` }];
    });
  },
  // Service Authorization Reference (Amazon ECS): UpdateService and DescribeServices act on the
  // `service` resource type (arn:${Partition}:ecs:${Region}:${Account}:service/${ClusterName}/${ServiceName})
  // and take the `ecs:cluster` condition key (the cluster's ARN).
  permissions: (plan, scope) =>
    servicePermissions(plan, scope, ['ecs:DescribeServices', 'ecs:UpdateService']),
  readinessPermissions: (plan, scope) => servicePermissions(plan, scope, ['ecs:DescribeServices']),
});

function servicePermissions(
  plan: { readonly recoveryRegion: string; readonly ecsServices: readonly EcsServicePlan[] },
  { partition, account }: { readonly partition: string; readonly account: string },
  actions: readonly string[],
) {
  if (plan.ecsServices.length === 0) return [];
  const arn = (resource: string) => `arn:${partition}:ecs:${plan.recoveryRegion}:${account}:${resource}`;
  const clusters = [...new Set(plan.ecsServices.map((item) => arn(`cluster/${item.cluster}`)))];
  return [
    {
      actions,
      resources: plan.ecsServices.map((item) => arn(`service/${serviceLabel(item)}`)),
      conditions: { ArnEquals: { 'ecs:cluster': clusters } },
    },
  ];
}
