import type { DBInstance } from '@aws-sdk/client-rds';
import { ReplicaNotFoundError } from '../../common/errors.js';
import type { Plan } from '../../common/plan.js';
import type { DatabasePlan } from './definition.js';
import { describeInstance } from './rds.js';
import { latestReplicaLag } from './replica-lag.js';
import { fail, guarded, pass, type ReadinessCheck } from '../../common/readiness-checks.js';

function replication(replica: string, instance: DBInstance): ReadinessCheck {
  const source =
    instance.ReadReplicaSourceDBInstanceIdentifier ?? instance.ReadReplicaSourceDBClusterIdentifier;
  if (source === undefined || source === '') {
    return fail(
      'replica-replicating',
      replica,
      `replica ${replica} is standalone (no read replica source): it was promoted already, or it is not a replica`,
    );
  }
  // DescribeDBInstances reports replication in StatusInfos ("read replication": replicating,
  // error, stopped, terminated); Normal is false when it is not healthy.
  const info = instance.StatusInfos?.find((status) => status.StatusType === 'read replication');
  if (info?.Status !== 'replicating' || info.Normal === false) {
    const status = info?.Status ?? 'not reported';
    const message = info?.Message ? ` (${info.Message})` : '';
    return fail(
      'replica-replicating',
      replica,
      `replica ${replica} is a read replica of ${source}, but replication is ${status}${message}`,
    );
  }
  return pass(
    'replica-replicating',
    replica,
    `replica ${replica} is a read replica of ${source} and replicating`,
  );
}

function promotable(replica: string, instance: DBInstance): ReadinessCheck {
  const status = instance.DBInstanceStatus ?? 'unknown';
  if (status === 'backing-up') {
    return fail(
      'replica-promotable',
      replica,
      `replica ${replica} is backing-up: RDS refuses PromoteReadReplica until the backup ends`,
    );
  }
  if (status !== 'available') {
    return fail(
      'replica-promotable',
      replica,
      `replica ${replica} is ${status}, not available: it cannot be promoted now`,
    );
  }
  return pass('replica-promotable', replica, `replica ${replica} is available (not backing-up)`);
}

function backups(replica: string, instance: DBInstance): ReadinessCheck {
  const days = instance.BackupRetentionPeriod ?? 0;
  if (days > 0) {
    return pass(
      'replica-backups',
      replica,
      `replica ${replica} has BackupRetentionPeriod ${days}: the promoted instance keeps automated backups`,
    );
  }
  return fail(
    'replica-backups',
    replica,
    `replica ${replica} has BackupRetentionPeriod 0: once promoted it would have no automated backups`,
  );
}

async function lag(database: DatabasePlan, region: string): Promise<ReadinessCheck> {
  const { replica, maxLagSeconds } = database;
  const seconds = await latestReplicaLag(region, replica);
  if (seconds === null) {
    return fail(
      'replica-lag',
      replica,
      `replica ${replica} has no ReplicaLag datapoint in the last 5 minutes: replication may be broken`,
    );
  }
  if (seconds > maxLagSeconds) {
    return fail(
      'replica-lag',
      replica,
      `replica ${replica} lag ${seconds}s is over maxLagSeconds ${maxLagSeconds}s`,
    );
  }
  return pass(
    'replica-lag',
    replica,
    `replica ${replica} lag ${seconds}s is within maxLagSeconds ${maxLagSeconds}s`,
  );
}

/**
 * The replica exists in the recovery region, replicates, can be promoted now, will keep
 * backups once promoted, and its ReplicaLag is within the plan's RPO gate. A missing replica is
 * one failed check: the others would only repeat it.
 */
export function databaseChecks(database: DatabasePlan, region: string): Promise<ReadinessCheck[]> {
  const { replica } = database;
  return guarded('replica-exists', replica, `replica ${replica} in ${region}`, async () => {
    let instance: DBInstance;
    try {
      instance = await describeInstance(region, replica);
    } catch (error) {
      if (error instanceof ReplicaNotFoundError)
        return [fail('replica-exists', replica, `replica ${replica} not found in ${region}`)];
      throw error;
    }
    const replicating = replication(replica, instance);
    return [
      pass('replica-exists', replica, `replica ${replica} exists in ${region}`),
      replicating,
      promotable(replica, instance),
      backups(replica, instance),
      // A standalone instance publishes no ReplicaLag: the replication line already says why.
      ...(replicating.status === 'pass'
        ? await guarded('replica-lag', replica, `ReplicaLag of ${replica}`, async () => [
            await lag(database, region),
          ])
        : []),
    ];
  });
}

/** Every replica of the plan exists, replicates, can be promoted and is within its lag threshold. */
export async function kindReadiness(plan: Plan): Promise<ReadinessCheck[]> {
  return (
    await Promise.all(plan.databases.map((database) => databaseChecks(database, plan.recoveryRegion)))
  ).flat();
}
