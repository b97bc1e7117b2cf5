import * as z from 'zod';
import { defineKind, records } from '../kind-definition.js';

/**
 * ARC routing controls (Amazon Application Recovery Controller): on/off switches hosted on a
 * highly available cluster, each watched by a Route 53 health check of type RECOVERY_CONTROL (the
 * construct creates one per control, `healthChecks`) that the user's failover (or weighted) records
 * are associated with. The failover turns the recovery
 * cells' controls On and the primary cells' Off in one UpdateRoutingControlStates call, through
 * the cluster's data plane only: its five regional endpoints, never the ARC control plane nor
 * Route 53's (https://docs.aws.amazon.com/r53recovery/latest/dg/routing-control.update.api.html).
 *
 * Facts the kind relies on:
 * - Every call goes to one cluster endpoint, with that endpoint's URL and Region; "If the endpoint
 *   is unavailable, you can try connecting to another one of your cluster endpoints", and the
 *   process "should try each endpoint in rotation, as needed, since cluster endpoints are cycled
 *   through available and unavailable states for regular maintenance and updates"; at least three
 *   of the five are always reachable (same page). So every call tries the plan's endpoints in
 *   turn on EndpointTemporarilyUnavailableException, throttling, 5xx and network errors.
 * - UpdateRoutingControlStates sets several states at once, so ARC's safety rules judge the whole
 *   change; `SafetyRulesToOverride` bypasses the named rules ("break glass")
 *   (https://docs.aws.amazon.com/routing-control/latest/APIReference/API_UpdateRoutingControlStates.html).
 *   The API Reference does not name which error a rule's refusal is; the operation's client
 *   errors are AccessDenied, Conflict, ResourceNotFound, ServiceLimitExceeded, Throttling and
 *   Validation. A ConflictException or ValidationException on the update is treated as ARC
 *   refusing the change (RoutingControlRefusedError, ARC's message kept), never retried elsewhere.
 * - IAM: route53-recovery-cluster:GetRoutingControlState and UpdateRoutingControlStates on the
 *   routingcontrol resource, arn:${Partition}:route53-recovery-control::${Account}:controlpanel/
 *   ${ControlPanelId}/routingcontrol/${RoutingControlId} (Service Authorization Reference, Amazon
 *   Route 53 Recovery Cluster).
 * - Route 53 documents no figure for how soon a RECOVERY_CONTROL health check follows the
 *   control's state, so, as for DNS flags, the plan says how long to count
 *   (`healthCheckDelaySeconds`), waited out in Wait states and counted in the RTO's routing part.
 */

/** A routing control's ARN (the ARC control plane's form; the data plane takes it as is). */
export const ROUTING_CONTROL_ARN =
  /^arn:aws[a-z-]*:route53-recovery-control::\d{12}:controlpanel\/[A-Za-z0-9]+\/routingcontrol\/[A-Za-z0-9]+$/;
/** A safety rule's ARN. */
export const SAFETY_RULE_ARN =
  /^arn:aws[a-z-]*:route53-recovery-control::\d{12}:controlpanel\/[A-Za-z0-9]+\/safetyrule\/[A-Za-z0-9]+$/;

const routingControlArn = z.string().regex(ROUTING_CONTROL_ARN, 'must be a routing control ARN');

/** One of the cluster's regional endpoints (DescribeCluster's ClusterEndpoints). */
export const clusterEndpointSchema = z.strictObject({
  /** The endpoint's Region: the client's region for calls to it. */
  region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'must be an AWS region code'),
  /** The endpoint's URL, e.g. https://abcd1234.route53-recovery-cluster.us-west-2.amazonaws.com/v1 */
  url: z.string().regex(/^https:\/\/[A-Za-z0-9.-]+(:\d+)?(\/\S*)?$/, 'must be an https URL'),
});
export type ClusterEndpoint = z.output<typeof clusterEndpointSchema>;

/** The routing controls of one cluster the failover switches (the plan's `routingControls[]`). */
export const arcRoutingControlSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be lower-case letters, digits and hyphens'),
  /** The cluster's regional endpoints, tried in this order (ARC gives five). */
  clusterEndpoints: z.array(clusterEndpointSchema).min(1).max(5),
  /** Routing controls of the recovery cells: turned On by a failover (Off again by a failback). */
  on: z.array(routingControlArn).min(1).max(20),
  /** Routing controls of the primary cells: turned Off by a failover (may be empty). @default [] */
  off: z.array(routingControlArn).max(20).default([]),
  /** Safety rules ARC may bypass for this change ("break glass"). @default [] */
  safetyRulesToOverride: z
    .array(z.string().regex(SAFETY_RULE_ARN, 'must be a safety rule ARN'))
    .max(20)
    .default([]),
  /**
   * How long Route 53's RECOVERY_CONTROL health checks take to follow the states (not documented
   * by Route 53: measure it in a drill); counted after the states are set. @default 60
   */
  healthCheckDelaySeconds: z.number().int('must be a whole number of seconds').min(0).max(900).default(60),
  /** Give up when the controls do not show their target states after this long. @default 300 */
  timeoutSeconds: z.number().int('must be a whole number of seconds').min(60).max(3_600).default(300),
  /** Skip (with a warning) when the gate cannot read the controls, instead of refusing the failover. */
  optional: z.boolean().default(false),
});
export type ArcRoutingControlPlan = z.output<typeof arcRoutingControlSchema>;

/** ON or OFF, as the data plane spells a state. */
export type ControlState = 'On' | 'Off';

/** Each control of the item with the state a failover (or failback) sets it to. */
export function targetStates(
  item: Pick<ArcRoutingControlPlan, 'on' | 'off'>,
  direction: 'failover' | 'failback',
): { readonly arn: string; readonly state: ControlState }[] {
  const up: ControlState = direction === 'failover' ? 'On' : 'Off';
  const down: ControlState = direction === 'failover' ? 'Off' : 'On';
  return [...item.on.map((arn) => ({ arn, state: up })), ...item.off.map((arn) => ({ arn, state: down }))];
}

/** A routing control as notices name it: its id within the control panel. */
export const controlName = (arn: string): string => arn.split('/').at(-1) ?? arn;

/** UpdateRoutingControlStates takes this many entries at most (ServiceLimitExceededException beyond). */
const MAX_ITEMS = 10;

const strings = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((entry): entry is string => typeof entry === 'string') : [];

export const arcRoutingControlKind = defineKind({
  id: 'arc-routing-control',
  planKey: 'routingControls',
  itemSchema: arcRoutingControlSchema,
  maxItems: MAX_ITEMS,
  noun: 'routing control sets',
  title: 'ARC routing controls (Route 53 RECOVERY_CONTROL health checks through the cluster data plane)',
  phase: 'route',
  hasGate: true,
  states: {
    gate: 'Preflight Routing Controls',
    gateWait: 'Wait To Preflight Routing Controls',
    gatePassed: 'All Routing Controls Preflighted?',
    start: 'Switch Routing Controls',
    check: 'Check Routing Controls',
    wait: 'Wait For Routing Controls',
    doneChoice: 'All Routing Controls Routed?',
    done: 'Routing Controls Routed',
    readBack: 'Read Back Routing Controls',
    readBackFailed: 'Routing Controls Not Read Back',
  },
  // An endpoint rotation that found none available: the next attempt may find one back.
  extraRetry: [
    { errors: ['ArcEndpointsUnavailableError'], intervalSeconds: 5, maxAttempts: 2, backoffRate: 2 },
  ],
  budgetSeconds: (items) => ({
    gate: 0,
    change: Math.max(0, ...items.map((item) => item.timeoutSeconds + item.healthCheckDelaySeconds)),
  }),
  services: ['route53-recovery-cluster'],
  label: (item) => item.id,
  crossFieldIssues: (document) => {
    const issues = [];
    const ids = new Set<unknown>();
    const owner = new Map<string, string>();
    for (const [i, item] of records(document.routingControls).entries()) {
      if (typeof item.id === 'string' && ids.has(item.id))
        issues.push({
          path: 'routingControls',
          message: `routing control set "${item.id}" is listed more than once`,
        });
      ids.add(item.id);
      const on = strings(item.on);
      const off = strings(item.off);
      for (const [field, arns] of [
        ['on', on],
        ['off', off],
      ] as const) {
        const seen = new Set<string>();
        for (const arn of arns) {
          if (seen.has(arn))
            issues.push({
              path: `routingControls[${i}].${field}`,
              message: `${arn} is listed more than once`,
            });
          seen.add(arn);
        }
      }
      for (const arn of on.filter((candidate) => off.includes(candidate)))
        issues.push({ path: `routingControls[${i}].off`, message: `${arn} is in both on and off` });
      for (const arn of new Set([...on, ...off])) {
        const other = owner.get(arn);
        if (other !== undefined && other !== String(item.id))
          issues.push({
            path: `routingControls[${i}]`,
            message: `${arn} is also switched by routing control set "${other}"`,
          });
        owner.set(arn, String(item.id));
      }
      const endpoints = records(item.clusterEndpoints);
      const regions = endpoints.map((endpoint) => endpoint.region).filter((r) => typeof r === 'string');
      if (new Set(regions).size !== regions.length)
        issues.push({
          path: `routingControls[${i}].clusterEndpoints`,
          message: 'a cluster has one endpoint per Region: a Region is listed more than once',
        });
      if (on.length + off.length > 20)
        issues.push({
          path: `routingControls[${i}]`,
          message:
            'at most 20 routing controls a set: they are switched in one UpdateRoutingControlStates call',
        });
    }
    return issues;
  },
  permissions: (plan) => {
    const arns = [...new Set(plan.routingControls.flatMap((item) => [...item.on, ...item.off]))];
    return arns.length === 0
      ? []
      : [
          {
            actions: [
              'route53-recovery-cluster:GetRoutingControlState',
              'route53-recovery-cluster:UpdateRoutingControlStates',
            ],
            resources: arns,
          },
        ];
  },
  // Each control's own RECOVERY_CONTROL health check: what the user's records are associated with.
  healthChecks: (plan) =>
    plan.routingControls.flatMap((item) =>
      [...item.on, ...item.off].map((arn) => ({
        key: `arc-routing-control-${item.id}-${controlName(arn)}`,
        name: `${plan.name}-${item.id}-${controlName(arn)}`,
        type: 'RECOVERY_CONTROL' as const,
        routingControlArn: arn,
      })),
    ),
  readinessPermissions: (plan) => {
    const arns = [...new Set(plan.routingControls.flatMap((item) => [...item.on, ...item.off]))];
    return arns.length === 0
      ? []
      : [{ actions: ['route53-recovery-cluster:GetRoutingControlState'], resources: arns }];
  },
});
