import { describeError } from '../../common/errors.js';
import type { Plan } from '../../common/plan.js';
import { fail, pass, type ReadinessCheck } from '../../common/readiness-checks.js';
import { readControlState } from './cluster.js';
import { controlName, targetStates } from './definition.js';

const CHECK = 'routing-control-state';

/**
 * Each routing control is readable through at least one of its cluster's endpoints and is in its
 * pre-failover state: the recovery cells' controls Off and the primary cells' On. A recovery
 * control already On is reported (traffic may already flow there); the failover would change
 * nothing for it.
 */
export async function kindReadiness(plan: Plan): Promise<ReadinessCheck[]> {
  const checks: ReadinessCheck[] = [];
  for (const item of plan.routingControls) {
    for (const { arn, state: home } of targetStates(item, 'failback')) {
      const name = `${item.id}/${controlName(arn)}`;
      try {
        const answered = await readControlState(item.clusterEndpoints, arn);
        const where = `through ${answered.endpoint.region}${answered.failed.length > 0 ? ` (${answered.failed.length} endpoint(s) did not answer)` : ''}`;
        checks.push(
          answered.value === home
            ? pass(CHECK, name, `${controlName(arn)} is ${answered.value} ${where}: the pre-failover state`)
            : fail(
                CHECK,
                name,
                `${controlName(arn)} is ${answered.value} ${where}, not ${home}: the routing controls are not in their pre-failover state (already failed over?)`,
              ),
        );
      } catch (error) {
        checks.push(fail(CHECK, name, `${controlName(arn)} cannot be read: ${describeError(error)}`));
      }
    }
  }
  return checks;
}
