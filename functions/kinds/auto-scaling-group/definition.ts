import * as z from 'zod';
import { defineKind, records } from '../kind-definition.js';

const seconds = (max: number) => z.number().int('must be a whole number of seconds').min(0).max(max);

/** One Auto Scaling group of the recovery region to scale up (the plan's `scalingGroups[]`). */
export const scalingGroupSchema = z.strictObject({
  /** Auto Scaling group name in the recovery region. */
  name: z.string().min(1).max(255),
  min: z.number().int().min(0).max(10_000),
  desired: z.number().int().min(0).max(10_000),
  max: z.number().int().min(1).max(10_000),
  /**
   * The group of the same tier in the primary region (issue 10): a failover fences it (scales it
   * to zero, recording its capacity) and a failback scales it back to that capacity.
   */
  primaryGroup: z.string().min(1).max(255).optional(),
  /** Give up waiting for InService instances after this long. @default 900 */
  capacityTimeoutSeconds: seconds(86_400).min(60).default(900),
  /** Share of `desired` that must be InService and Healthy for the group to count as ready. @default 100 */
  minHealthyPercent: z.number().int().min(1).max(100).default(100),
  /**
   * A group the failover can do without: when the preflight finds it missing (or being deleted),
   * it is skipped with a warning in the notice instead of stopping the failover. @default false
   */
  optional: z.boolean().default(false),
});
export type ScalingGroupPlan = z.output<typeof scalingGroupSchema>;

export const autoScalingGroupKind = defineKind({
  id: 'auto-scaling-group',
  planKey: 'scalingGroups',
  itemSchema: scalingGroupSchema,
  maxItems: 100,
  noun: 'groups',
  title: 'Auto Scaling groups',
  phase: 'recover',
  hasGate: true,
  states: {
    gate: 'Preflight Recovery Groups',
    gateWait: 'Wait To Preflight Groups',
    gatePassed: 'All Groups Preflighted?',
    start: 'Scale Recovery Groups',
    check: 'Check Group Capacities',
    wait: 'Wait For Instances',
    doneChoice: 'All Groups Ready?',
    done: 'Groups Scaled',
    readBack: 'Read Back Groups',
    readBackFailed: 'Groups Not Read Back',
    prewarm: 'Prewarm Recovery Groups',
    prewarmFailed: 'Groups Not Prewarmed',
    unwarm: 'Scale Prewarmed Groups Back',
    unwarmFailed: 'Groups Not Scaled Back',
    fence: 'Scale Old Groups To Zero',
    fenceFailed: 'Old Groups Not Scaled To Zero',
  },
  fences:
    "scales the old region's group of the same tier (scalingGroups[].primaryGroup) to min 0 / desired 0, recording its capacity before",
  fenceNoun: 'old group',
  fenceLabel: (item) => item.primaryGroup,
  // Scaling up is undone exactly by setting the capacity recorded before it back.
  reversible: true,
  // An update racing a scaling activity is refused for a moment; retry it on its own schedule.
  extraRetry: [
    { errors: ['ScalingActivityInProgressFault'], intervalSeconds: 5, maxAttempts: 6, backoffRate: 1.5 },
  ],
  budgetSeconds: (items) => ({
    gate: 0,
    change: Math.max(0, ...items.map((group) => group.capacityTimeoutSeconds)),
  }),
  services: ['autoscaling'],
  label: (item) => item.name,
  crossFieldIssues: (document) => {
    const groups = records(document.scalingGroups);
    const issues = groups.flatMap((group, i) => {
      const [min, desired, max] = [group.min, group.desired, group.max];
      if (typeof min !== 'number' || typeof desired !== 'number' || typeof max !== 'number') return [];
      return min <= desired && desired <= max
        ? []
        : [
            {
              path: `scalingGroups[${i}]`,
              message: `needs min <= desired <= max, got min ${min}, desired ${desired}, max ${max}`,
            },
          ];
    });
    const seen = new Set<unknown>();
    for (const group of groups) {
      if (typeof group.name === 'string' && seen.has(group.name))
        issues.push({ path: 'scalingGroups', message: `group "${group.name}" is listed more than once` });
      seen.add(group.name);
    }
    return issues;
  },
  permissions: (plan, { partition, account }) => {
    // Group ARNs carry a UUID unknown until the group exists: it is the one wildcard, the name is exact.
    const groupArn = (region: string, name: string) =>
      `arn:${partition}:autoscaling:${region}:${account}:autoScalingGroup:*:autoScalingGroupName/${name}`;
    // Failback (issue 10) scales the old region's group of each tier back (failback.ts).
    const groups = plan.scalingGroups.flatMap((group) => [
      groupArn(plan.recoveryRegion, group.name),
      ...(group.primaryGroup !== undefined ? [groupArn(plan.primaryRegion, group.primaryGroup)] : []),
    ]);
    if (groups.length === 0) return [];
    const oldGroups = plan.scalingGroups.flatMap((group) =>
      group.primaryGroup === undefined
        ? []
        : [
            `arn:${partition}:autoscaling:${plan.primaryRegion}:${account}:autoScalingGroup:*:autoScalingGroupName/${group.primaryGroup}`,
          ],
    );
    return [
      // The fence scales the old region's groups (primaryGroup) to zero.
      { actions: ['autoscaling:UpdateAutoScalingGroup'], resources: [...groups, ...oldGroups] },
      // DescribeAutoScalingGroups has no resource-level permissions.
      { actions: ['autoscaling:DescribeAutoScalingGroups'], resources: ['*'] },
    ];
  },
  readinessPermissions: (plan) =>
    plan.scalingGroups.length === 0
      ? []
      : [{ actions: ['autoscaling:DescribeAutoScalingGroups'], resources: ['*'] }],
});
