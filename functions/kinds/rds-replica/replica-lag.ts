import { describeInstance, isReplica } from './rds.js';
import { nowIso } from '../../common/step-handler.js';
import { lagVerdict, latestLagSeconds, type LagMetric } from '../lag-gate.js';
import type { LagCheck, ReadReplicaLagInput } from './types.js';

/** The replica's ReplicaLag (seconds), published in the recovery region. */
const replicaLagMetric = (replica: string): LagMetric => ({
  namespace: 'AWS/RDS',
  metricName: 'ReplicaLag',
  dimensions: [{ Name: 'DBInstanceIdentifier', Value: replica }],
  toSeconds: (value) => value,
});

/** Latest ReplicaLag datapoint of the replica, in seconds, or null when there is none. */
export const latestReplicaLag = (region: string, replica: string): Promise<number | null> =>
  latestLagSeconds(region, replicaLagMetric(replica));

/**
 * The RPO gate for one database. Read-only: it describes the replica (so a missing replica
 * stops the failover before anything is mutated) and reads its ReplicaLag in the recovery
 * region. Lag under the threshold passes; over it, the ASL waits `waitSeconds` and asks
 * again, until `lagWaitSeconds` have passed; then the plan's `onLagExceeded` decides.
 * @throws ReplicaNotFoundError, ReplicaLagExceededError, ReplicaLagUnknownError
 */
export async function readReplicaLag({
  database,
  recoveryRegion,
  previous,
}: ReadReplicaLagInput): Promise<LagCheck> {
  const checkedAt = nowIso();
  const firstCheckedAt = previous.firstCheckedAt ?? checkedAt;
  const checks = previous.checks + 1;
  const base = {
    checks,
    firstCheckedAt,
    checkedAt,
    replica: database.replica,
    maxLagSeconds: database.maxLagSeconds,
  };

  const instance = await describeInstance(recoveryRegion, database.replica);
  if (!isReplica(instance)) {
    return {
      ...base,
      lagSeconds: null,
      decision: 'proceed',
      message: `${database.replica} is already standalone (promoted earlier): no replication lag to gate on`,
    };
  }
  const lagSeconds = await latestReplicaLag(recoveryRegion, database.replica);
  return {
    ...base,
    lagSeconds,
    ...lagVerdict({
      label: database.replica,
      policy: database,
      lagSeconds,
      firstCheckedAt,
      metricName: 'ReplicaLag',
      change: { doing: 'promoting', done: 'promoted' },
    }),
  };
}
