import { GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { cloudWatchClient } from '../../common/clients/cloudwatch.js';
import { decideOnLag } from '../lag-gate.js';
import { describeInstance, isReplica } from './rds.js';
import { nowIso, secondsSince } from '../../common/step-handler.js';
import type { LagCheck, ReadReplicaLagInput } from './types.js';

/** RDS publishes ReplicaLag once a minute; re-reading more often mostly sees the same datapoint. */
export const LAG_POLL_SECONDS = 20;
const LOOKBACK_SECONDS = 300;

/** Latest ReplicaLag datapoint of the replica, in seconds, or null when there is none. */
export async function latestReplicaLag(region: string, replica: string): Promise<number | null> {
  const end = new Date();
  const response = await cloudWatchClient(region).send(
    new GetMetricDataCommand({
      StartTime: new Date(end.getTime() - LOOKBACK_SECONDS * 1000),
      EndTime: end,
      ScanBy: 'TimestampDescending',
      MetricDataQueries: [
        {
          Id: 'lag',
          ReturnData: true,
          MetricStat: {
            Metric: {
              Namespace: 'AWS/RDS',
              MetricName: 'ReplicaLag',
              Dimensions: [{ Name: 'DBInstanceIdentifier', Value: replica }],
            },
            Period: 60,
            Stat: 'Maximum',
          },
        },
      ],
    }),
  );
  const value = response.MetricDataResults?.find((result) => result.Id === 'lag')?.Values?.[0];
  return value === undefined ? null : value;
}

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
    ...decideOnLag(database.replica, lagSeconds, database, {
      waited: secondsSince(firstCheckedAt),
      pollSeconds: LAG_POLL_SECONDS,
      metric: 'ReplicaLag',
      verb: 'promoting',
    }),
  };
}
