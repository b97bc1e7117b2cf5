import type { Plan } from '../../common/plan.js';
import { fail, guarded, pass, type ReadinessCheck } from '../../common/readiness-checks.js';
import { serviceLabel } from './definition.js';
import { describeServices } from './ecs.js';

/** Every service of the plan exists in the recovery region and is ACTIVE. */
export async function kindReadiness(plan: Plan): Promise<ReadinessCheck[]> {
  if (plan.ecsServices.length === 0) return [];
  const region = plan.recoveryRegion;
  const labels = plan.ecsServices.map(serviceLabel).join(', ');
  return guarded('ecs-service-active', labels, `ECS services ${labels} in ${region}`, async () => {
    const described = await describeServices(region, plan.ecsServices);
    return plan.ecsServices.map((item) => {
      const label = serviceLabel(item);
      const found = described.get(label);
      if (found === undefined || !found.found)
        return fail('ecs-service-active', label, `service ${label} not found in ${region}`);
      const { status, desiredCount, runningCount } = found.service;
      return status === 'ACTIVE'
        ? pass(
            'ecs-service-active',
            label,
            `service ${label} is ACTIVE in ${region} (desired ${desiredCount ?? 0}, running ${runningCount ?? 0}; plan ${item.desiredCount})`,
          )
        : fail(
            'ecs-service-active',
            label,
            `service ${label} is ${status ?? 'of unknown status'} in ${region}`,
          );
    });
  });
}
