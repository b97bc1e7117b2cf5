import type { Plan } from '../../common/plan.js';
import { fail, guarded, pass, type ReadinessCheck } from '../../common/readiness-checks.js';
import { describeGlobalCluster, latestRpoLag, type GlobalClusterView } from './aurora.js';
import type { AuroraGlobalClusterPlan } from './definition.js';
import { GlobalClusterNotFoundError } from './errors.js';

/** The recovery cluster is a secondary (a writer means a failover already happened). */
function secondary(item: AuroraGlobalClusterPlan, view: GlobalClusterView): ReadinessCheck {
  const resource = item.recoveryCluster;
  if (view.recovery.IsWriter === true)
    return fail(
      'global-member-secondary',
      resource,
      `${resource} is already the writer of ${item.globalCluster}: nothing to fail over to (fail back first)`,
    );
  if (view.operation !== undefined)
    return fail(
      'global-member-secondary',
      resource,
      `${item.globalCluster} has a ${view.operation} operation under way: a failover now would wait for it`,
    );
  return pass(
    'global-member-secondary',
    resource,
    `${resource} is a secondary of ${item.globalCluster} (writer: ${view.writer?.DBClusterArn ?? 'none'})`,
  );
}

async function lag(item: AuroraGlobalClusterPlan, region: string): Promise<ReadinessCheck> {
  const resource = item.recoveryCluster;
  const seconds = await latestRpoLag(item, region);
  if (seconds === null)
    return fail(
      'global-lag',
      resource,
      `${resource} has no AuroraGlobalDBRPOLag datapoint in the last 5 minutes: replication may be broken`,
    );
  return seconds > item.maxLagSeconds
    ? fail(
        'global-lag',
        resource,
        `${resource} RPO lag ${seconds}s is over maxLagSeconds ${item.maxLagSeconds}s`,
      )
    : pass(
        'global-lag',
        resource,
        `${resource} RPO lag ${seconds}s is within maxLagSeconds ${item.maxLagSeconds}s`,
      );
}

/**
 * The global cluster exists with the recovery cluster as a member, a secondary with nothing under
 * way, and its AuroraGlobalDBRPOLag within the plan's RPO gate. A missing global cluster or member
 * is one failed check: the others would only repeat it.
 */
export function globalDatabaseChecks(
  item: AuroraGlobalClusterPlan,
  region: string,
): Promise<ReadinessCheck[]> {
  const resource = item.recoveryCluster;
  return guarded('global-cluster-exists', resource, `global cluster ${item.globalCluster}`, async () => {
    let view: GlobalClusterView;
    try {
      view = await describeGlobalCluster(item, region);
    } catch (error) {
      if (error instanceof GlobalClusterNotFoundError)
        return [fail('global-cluster-exists', resource, error.message)];
      throw error;
    }
    const member = secondary(item, view);
    return [
      pass(
        'global-cluster-exists',
        resource,
        `global cluster ${item.globalCluster} exists with member ${resource} in ${region}`,
      ),
      member,
      ...(member.status === 'pass'
        ? await guarded('global-lag', resource, `AuroraGlobalDBRPOLag of ${resource}`, async () => [
            await lag(item, region),
          ])
        : []),
    ];
  });
}

/** Every global database of the plan can fail over to its recovery cluster now. */
export async function kindReadiness(plan: Plan): Promise<ReadinessCheck[]> {
  return (
    await Promise.all(
      plan.auroraGlobalClusters.map((item) => globalDatabaseChecks(item, plan.recoveryRegion)),
    )
  ).flat();
}
