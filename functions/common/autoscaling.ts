import { DescribeAutoScalingGroupsCommand, type AutoScalingGroup } from '@aws-sdk/client-auto-scaling';
import { autoScalingClient } from './aws-clients.js';
import { ScalingGroupNotFoundError } from './errors.js';
import type { ScalingGroupPlan } from './plan.js';

/**
 * Describes one Auto Scaling group. An unknown name is not an error to the API: the group is
 * simply absent from the answer.
 * @throws ScalingGroupNotFoundError
 */
export async function describeGroup(region: string, name: string): Promise<AutoScalingGroup> {
  const response = await autoScalingClient(region).send(
    new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [name] }),
  );
  const group = response.AutoScalingGroups?.find((candidate) => candidate.AutoScalingGroupName === name);
  if (group === undefined)
    throw new ScalingGroupNotFoundError(`Auto Scaling group ${name} not found in ${region}`);
  return group;
}

/** Instances that serve traffic: InService and Healthy. */
export const inServiceCount = (group: AutoScalingGroup): number =>
  (group.Instances ?? []).filter(
    (instance) => instance.LifecycleState === 'InService' && instance.HealthStatus === 'Healthy',
  ).length;

/** How many InService instances make the group ready for traffic. */
export const requiredInService = (plan: ScalingGroupPlan, desired: number): number =>
  Math.max(1, Math.ceil((desired * plan.minHealthyPercent) / 100));
