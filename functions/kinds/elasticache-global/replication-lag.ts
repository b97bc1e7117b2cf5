import { GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { cloudWatchClient } from '../../common/clients/cloudwatch.js';
import { nowIso, secondsSince } from '../../common/step-handler.js';
import { lagVerdict } from '../lag-gate.js';
import type { GlobalDatastorePlan } from './definition.js';
import {
  AVAILABLE,
  describeGlobalDatastore,
  describeReplicationGroup,
  isPrimary,
  recoveryMember,
} from './elasticache.js';
import { GlobalDatastoreNotReadyError } from './errors.js';
import type { GlobalLagCheck } from './types.js';

/** ElastiCache publishes its host metrics once a minute; looking more often sees the same datapoint. */
export const LAG_POLL_SECONDS = 20;
const LOOKBACK_SECONDS = 300;
/** GetMetricData takes at most 500 queries. */
const MAX_QUERIES = 500;

/**
 * The latest `AWS/ElastiCache GlobalDatastoreReplicationLag` (seconds: the lag between the
 * secondary Region's primary node and the primary Region's; the largest among the shards of a
 * cluster-mode group) of the recovery group, in seconds, or null when none was published. It is a
 * host-level metric, published per `CacheClusterId` (the group's member clusters), so every member
 * is asked and the largest latest value is the group's lag.
 */
export async function latestGlobalLag(
  region: string,
  cacheClusterIds: readonly string[],
): Promise<number | null> {
  const clusters = cacheClusterIds.slice(0, MAX_QUERIES);
  if (clusters.length === 0) return null;
  const end = new Date();
  const response = await cloudWatchClient(region).send(
    new GetMetricDataCommand({
      StartTime: new Date(end.getTime() - LOOKBACK_SECONDS * 1000),
      EndTime: end,
      ScanBy: 'TimestampDescending',
      MetricDataQueries: clusters.map((cluster, i) => ({
        Id: `lag${i}`,
        ReturnData: true,
        MetricStat: {
          Metric: {
            Namespace: 'AWS/ElastiCache',
            MetricName: 'GlobalDatastoreReplicationLag',
            Dimensions: [{ Name: 'CacheClusterId', Value: cluster }],
          },
          Period: 60,
          Stat: 'Maximum',
        },
      })),
    }),
  );
  const latest = (response.MetricDataResults ?? [])
    .map((result) => result.Values?.[0])
    .filter((value): value is number => value !== undefined);
  return latest.length === 0 ? null : Math.max(...latest);
}

/**
 * The RPO gate for one Global Datastore. Read-only: it describes the datastore (so a missing one,
 * or a recovery group that is not its member, stops the failover before anything changes), and
 * reads the recovery group's replication lag. A recovery group that is already the primary passes
 * (a failover done before). A datastore that is not `available` (ElastiCache refuses a failover
 * then) and lag over the threshold each make the workflow wait and ask again, until
 * `lagWaitSeconds` have passed; then a datastore still not available stops the failover, and for
 * lag the plan's `onLagExceeded` decides.
 * @throws GlobalDatastoreNotFoundError, GlobalDatastoreNotReadyError, ReplicaLagExceededError, ReplicaLagUnknownError
 */
export async function readGlobalLag(
  datastore: GlobalDatastorePlan,
  recoveryRegion: string,
  previous: GlobalLagCheck,
): Promise<GlobalLagCheck> {
  const id = datastore.globalReplicationGroupId;
  const checkedAt = nowIso();
  const firstCheckedAt = previous.firstCheckedAt ?? checkedAt;
  const base = {
    checks: previous.checks + 1,
    firstCheckedAt,
    checkedAt,
    globalReplicationGroupId: id,
    maxLagSeconds: datastore.maxLagSeconds,
  };
  const group = await describeGlobalDatastore(recoveryRegion, id);
  const member = recoveryMember(group, datastore.replicationGroup, recoveryRegion);
  if (isPrimary(member)) {
    return {
      ...base,
      lagSeconds: null,
      decision: 'proceed',
      message: `${datastore.replicationGroup} is already the primary of ${id} (failed over earlier): no replication lag to gate on`,
    };
  }
  const waited = secondsSince(firstCheckedAt);
  const waitSeconds = Math.max(1, Math.min(LAG_POLL_SECONDS, Math.ceil(datastore.lagWaitSeconds - waited)));
  const status = group.Status ?? 'unknown';
  if (status !== AVAILABLE) {
    const text = `${id} is ${status}, not ${AVAILABLE}: ElastiCache refuses a failover until it is`;
    if (waited < datastore.lagWaitSeconds)
      return { ...base, lagSeconds: null, decision: 'wait', waitSeconds, message: `${text}; waiting` };
    throw new GlobalDatastoreNotReadyError(
      `${text}, and it stayed so for ${Math.round(waited)}s (lagWaitSeconds ${datastore.lagWaitSeconds}); nothing was failed over`,
    );
  }
  const recovery = await describeReplicationGroup(recoveryRegion, datastore.replicationGroup);
  const lagSeconds = await latestGlobalLag(recoveryRegion, recovery.MemberClusters ?? []);
  return {
    ...base,
    lagSeconds,
    ...lagVerdict({
      label: id,
      policy: datastore,
      lagSeconds,
      firstCheckedAt,
      metricName: 'GlobalDatastoreReplicationLag',
      change: { doing: 'failing over', done: 'failed over' },
    }),
  };
}
