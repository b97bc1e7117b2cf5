import { GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { cloudWatchClient } from '../../common/clients/cloudwatch.js';
import { ReplicaLagExceededError, ReplicaLagUnknownError } from '../../common/errors.js';
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
  if (lagSeconds !== null && lagSeconds <= database.maxLagSeconds) {
    return {
      ...base,
      lagSeconds,
      decision: 'proceed',
      message: `${database.replica} lag ${lagSeconds}s is within ${database.maxLagSeconds}s`,
    };
  }
  const waited = secondsSince(firstCheckedAt);
  const lagText =
    lagSeconds === null
      ? 'has no ReplicaLag datapoint'
      : `lag ${lagSeconds}s is above ${database.maxLagSeconds}s`;
  if (waited < database.lagWaitSeconds) {
    const waitSeconds = Math.max(1, Math.min(LAG_POLL_SECONDS, Math.ceil(database.lagWaitSeconds - waited)));
    return {
      ...base,
      lagSeconds,
      decision: 'wait',
      waitSeconds,
      message: `${database.replica} ${lagText}: waiting`,
    };
  }
  if (database.onLagExceeded === 'promote') {
    const window = lagSeconds === null ? 'unknown (no lag datapoint)' : `about ${lagSeconds}s of writes`;
    return {
      ...base,
      lagSeconds,
      decision: 'proceed',
      promotedOverThreshold: true,
      message: `${database.replica} ${lagText} after ${Math.round(waited)}s; promoting anyway (onLagExceeded: promote). Estimated data-loss window: ${window}`,
    };
  }
  const detail = `${database.replica} ${lagText} after waiting ${Math.round(waited)}s (lagWaitSeconds ${database.lagWaitSeconds}); onLagExceeded is abort, so nothing was promoted`;
  if (lagSeconds === null) throw new ReplicaLagUnknownError(detail);
  throw new ReplicaLagExceededError(detail);
}
