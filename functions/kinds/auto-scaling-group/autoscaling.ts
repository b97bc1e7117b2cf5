import { DescribeAutoScalingGroupsCommand, type AutoScalingGroup } from '@aws-sdk/client-auto-scaling';
import { ON_PATH, type ClientOptions } from '../../common/aws-clients.js';
import { autoScalingClient } from '../../common/clients/autoscaling.js';
import { ScalingGroupNotFoundError } from '../../common/errors.js';
import type { ScalingGroupPlan } from './definition.js';

/**
 * Describes one Auto Scaling group. An unknown name is not an error to the API: the group is
 * simply absent from the answer.
 * @throws ScalingGroupNotFoundError
 */
export async function describeGroup(
  region: string,
  name: string,
  options: ClientOptions = ON_PATH,
): Promise<AutoScalingGroup> {
  const response = await autoScalingClient(region, options).send(
    new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [name] }),
  );
  const group = response.AutoScalingGroups?.find((candidate) => candidate.AutoScalingGroupName === name);
  if (group === undefined)
    throw new ScalingGroupNotFoundError(`Auto Scaling group ${name} not found in ${region}`);
  return group;
}

/** DescribeAutoScalingGroups takes at most 50 names unless MaxRecords says more. */
const NAMES_PER_CALL = 50;

/**
 * Describes several groups in as few calls as the API allows (50 names a call, following
 * NextToken). Unknown names are absent from the map, as the API leaves them out of its answer.
 */
export async function describeGroups(
  region: string,
  names: readonly string[],
): Promise<Map<string, AutoScalingGroup>> {
  const found = new Map<string, AutoScalingGroup>();
  for (let first = 0; first < names.length; first += NAMES_PER_CALL) {
    let nextToken: string | undefined;
    do {
      const response = await autoScalingClient(region).send(
        new DescribeAutoScalingGroupsCommand({
          AutoScalingGroupNames: names.slice(first, first + NAMES_PER_CALL),
          MaxRecords: NAMES_PER_CALL,
          NextToken: nextToken,
        }),
      );
      for (const group of response.AutoScalingGroups ?? []) {
        if (group.AutoScalingGroupName !== undefined) found.set(group.AutoScalingGroupName, group);
      }
      nextToken = response.NextToken;
    } while (nextToken !== undefined);
  }
  return found;
}

/** Instances that serve traffic: InService and Healthy. */
export const inServiceCount = (group: AutoScalingGroup): number =>
  (group.Instances ?? []).filter(
    (instance) => instance.LifecycleState === 'InService' && instance.HealthStatus === 'Healthy',
  ).length;

/** How many InService instances make the group ready for traffic. */
export const requiredInService = (plan: ScalingGroupPlan, desired: number): number =>
  Math.max(1, Math.ceil((desired * plan.minHealthyPercent) / 100));
