import { ScalingGroupNotFoundError } from '../../common/errors.js';
import type { Plan } from '../../common/plan.js';
import { fail, guarded, pass, type ReadinessCheck } from '../../common/readiness-checks.js';
import { describeGroup } from './autoscaling.js';
import type { ScalingGroupPlan } from './definition.js';

export function groupChecks(group: ScalingGroupPlan, region: string): Promise<ReadinessCheck[]> {
  return guarded('group-exists', group.name, `group ${group.name} in ${region}`, async () => {
    let found;
    try {
      found = await describeGroup(region, group.name);
    } catch (error) {
      if (error instanceof ScalingGroupNotFoundError)
        return [fail('group-exists', group.name, `group ${group.name} not found in ${region}`)];
      throw error;
    }
    const [min, desired, max] = [found.MinSize ?? 0, found.DesiredCapacity ?? 0, found.MaxSize ?? 0];
    return [
      pass(
        'group-exists',
        group.name,
        `group ${group.name} exists in ${region} (min ${min}, desired ${desired}, max ${max})`,
      ),
      max >= group.desired
        ? pass('group-max', group.name, `group ${group.name} MaxSize ${max} >= plan desired ${group.desired}`)
        : fail('group-max', group.name, `group ${group.name} MaxSize ${max} < plan desired ${group.desired}`),
    ];
  });
}

/** Every group of the plan exists in the recovery region and can reach the plan's capacity. */
export async function kindReadiness(plan: Plan): Promise<ReadinessCheck[]> {
  return (
    await Promise.all(plan.scalingGroups.map((group) => groupChecks(group, plan.recoveryRegion)))
  ).flat();
}
