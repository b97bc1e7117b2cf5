import type { LagCheck, LagGate, ReadReplicaLagsInput } from '../common/workflow-state.js';
import { readReplicaLag } from './read-replica-lag.js';

/**
 * One look of the RPO gate at every database that has not passed it yet. Read-only. The first
 * database whose lag stayed too high for its lagWaitSeconds (policy abort) fails the look with
 * ReplicaLagExceededError (or ReplicaLagUnknownError, ReplicaNotFoundError), before anything
 * anywhere is promoted.
 */
export async function readReplicaLags({
  recoveryRegion,
  databases,
  previous,
}: ReadReplicaLagsInput): Promise<LagGate> {
  const before = new Map(previous.map((check) => [check.replica, check]));
  const checks: LagCheck[] = await Promise.all(
    databases.map(async (database) => {
      const last = before.get(database.replica);
      if (last?.decision === 'proceed') return last;
      return readReplicaLag({ database, recoveryRegion, previous: last ?? { checks: 0 } });
    }),
  );
  const waiting = checks.filter((check) => check.decision === 'wait');
  return {
    done: waiting.length === 0,
    waitSeconds: waiting.length === 0 ? 0 : Math.min(...waiting.map((check) => check.waitSeconds ?? 1)),
    databases: checks,
  };
}
