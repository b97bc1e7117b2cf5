import { nowIso } from '../../common/step-handler.js';
import { lagVerdict } from '../lag-gate.js';
import { describeGlobalCluster, latestRpoLag } from './aurora.js';
import type { AuroraGlobalClusterPlan } from './definition.js';
import type { GlobalLagCheck } from './types.js';

export interface GlobalLagInput {
  readonly item: AuroraGlobalClusterPlan;
  readonly recoveryRegion: string;
  readonly planned: boolean;
  readonly previous: GlobalLagCheck;
}

/**
 * The preflight and RPO gate for one global database, read-only: the global cluster exists and
 * has the recovery cluster as a member; its AuroraGlobalDBRPOLag is within the plan's threshold,
 * with the same wait and abort/promote policy as RDS read replicas (functions/kinds/lag-gate.ts).
 * A recovery cluster that is already the writer has nothing to gate. A planned run (drill,
 * failback) switches over, which synchronizes the secondaries first and loses nothing: the lag is
 * read and reported, and does not stop it.
 * @throws GlobalClusterNotFoundError, ReplicaLagExceededError, ReplicaLagUnknownError
 */
export async function readGlobalLag({
  item,
  recoveryRegion,
  planned,
  previous,
}: GlobalLagInput): Promise<GlobalLagCheck> {
  const checkedAt = nowIso();
  const firstCheckedAt = previous.firstCheckedAt ?? checkedAt;
  const base = {
    checks: previous.checks + 1,
    firstCheckedAt,
    checkedAt,
    recoveryCluster: item.recoveryCluster,
    maxLagSeconds: item.maxLagSeconds,
  };
  const view = await describeGlobalCluster(item, recoveryRegion);
  if (view.recovery.IsWriter === true) {
    return {
      ...base,
      lagSeconds: null,
      decision: 'proceed',
      message: `${item.recoveryCluster} is already the writer of ${item.globalCluster}: no replication lag to gate on`,
    };
  }
  const lagSeconds = await latestRpoLag(item, recoveryRegion);
  if (planned) {
    return {
      ...base,
      lagSeconds,
      decision: 'proceed',
      message: `${item.recoveryCluster} RPO lag ${lagSeconds === null ? 'unknown' : `${lagSeconds}s`}: a switchover synchronizes first and loses no data`,
    };
  }
  return {
    ...base,
    lagSeconds,
    ...lagVerdict({
      label: item.recoveryCluster,
      policy: item,
      lagSeconds,
      firstCheckedAt,
      metricName: 'AuroraGlobalDBRPOLag',
      change: { doing: 'failing over', done: 'failed over' },
    }),
  };
}
