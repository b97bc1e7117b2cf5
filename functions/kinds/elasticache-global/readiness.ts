import type { GlobalReplicationGroup } from '@aws-sdk/client-elasticache';
import type { Plan } from '../../common/plan.js';
import { fail, guarded, pass, type ReadinessCheck } from '../../common/readiness-checks.js';
import type { GlobalDatastorePlan } from './definition.js';
import {
  AVAILABLE,
  describeGlobalDatastore,
  describeReplicationGroup,
  isPrimary,
  memberIn,
} from './elasticache.js';
import { GlobalDatastoreNotFoundError } from './errors.js';
import { latestGlobalLag } from './replication-lag.js';

async function lag(datastore: GlobalDatastorePlan, region: string): Promise<ReadinessCheck> {
  const id = datastore.globalReplicationGroupId;
  const group = await describeReplicationGroup(region, datastore.replicationGroup);
  const seconds = await latestGlobalLag(region, group.MemberClusters ?? []);
  if (seconds === null)
    return fail(
      'global-datastore-lag',
      id,
      `${datastore.replicationGroup} has no GlobalDatastoreReplicationLag datapoint in the last 5 minutes: replication may be broken`,
    );
  return seconds > datastore.maxLagSeconds
    ? fail(
        'global-datastore-lag',
        id,
        `${id} lag ${seconds}s is over maxLagSeconds ${datastore.maxLagSeconds}s`,
      )
    : pass(
        'global-datastore-lag',
        id,
        `${id} lag ${seconds}s is within maxLagSeconds ${datastore.maxLagSeconds}s`,
      );
}

function membership(
  datastore: GlobalDatastorePlan,
  group: GlobalReplicationGroup,
  region: string,
): ReadinessCheck {
  const id = datastore.globalReplicationGroupId;
  const member = memberIn(group, datastore.replicationGroup, region);
  if (member === undefined)
    return fail(
      'global-datastore-secondary',
      id,
      `${datastore.replicationGroup} in ${region} is not a member of ${id}`,
    );
  if (isPrimary(member))
    return fail(
      'global-datastore-secondary',
      id,
      `${datastore.replicationGroup} in ${region} is already the primary of ${id}: failed over, or the plan names the wrong region`,
    );
  return pass(
    'global-datastore-secondary',
    id,
    `${datastore.replicationGroup} in ${region} is a secondary of ${id}`,
  );
}

/**
 * The Global Datastore exists, the recovery group is its secondary, the datastore is `available`
 * (ElastiCache refuses a failover otherwise), and the lag is within the plan's RPO gate. A missing
 * datastore is one failed check: the others would only repeat it.
 */
export function datastoreChecks(datastore: GlobalDatastorePlan, region: string): Promise<ReadinessCheck[]> {
  const id = datastore.globalReplicationGroupId;
  return guarded('global-datastore-exists', id, `global datastore ${id}`, async () => {
    let group: GlobalReplicationGroup;
    try {
      group = await describeGlobalDatastore(region, id);
    } catch (error) {
      if (error instanceof GlobalDatastoreNotFoundError)
        return [fail('global-datastore-exists', id, `global datastore ${id} not found`)];
      throw error;
    }
    const secondary = membership(datastore, group, region);
    const status = group.Status ?? 'unknown';
    return [
      pass('global-datastore-exists', id, `global datastore ${id} exists`),
      secondary,
      status === AVAILABLE
        ? pass('global-datastore-available', id, `${id} is ${AVAILABLE}`)
        : fail(
            'global-datastore-available',
            id,
            `${id} is ${status}: ElastiCache refuses a failover until it is ${AVAILABLE}`,
          ),
      // A primary publishes no replication lag: the membership line already says why.
      ...(secondary.status === 'pass'
        ? await guarded('global-datastore-lag', id, `GlobalDatastoreReplicationLag of ${id}`, async () => [
            await lag(datastore, region),
          ])
        : []),
    ];
  });
}

/** Every Global Datastore of the plan can fail over to its recovery group now, within its lag threshold. */
export async function kindReadiness(plan: Plan): Promise<ReadinessCheck[]> {
  return (
    await Promise.all(
      plan.globalDatastores.map((datastore) => datastoreChecks(datastore, plan.recoveryRegion)),
    )
  ).flat();
}
