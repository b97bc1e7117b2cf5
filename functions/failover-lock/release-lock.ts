import { nowIso } from '../common/step-handler.js';
import type { FailoverLock, LockRelease } from '../common/workflow-state.js';
import { LockLostError } from './errors.js';
import { clearHolder, recordFailoverStart, type LockTableRef } from './lock-table.js';

/** The later lock states work on the item "Acquire Lock" took. */
const refOf = (lock: FailoverLock): LockTableRef => ({
  tableName: lock.tableName,
  region: lock.region,
  planName: lock.planName,
});

/**
 * "Record Failover Start": the outage is confirmed and the first change is next. From here this
 * failover counts for the plan's minimum interval (a flap aborted in the confirm window does
 * not). The write is conditioned on still holding the lock, which fences the changes that
 * follow: an execution that lost its lock stops here, before touching anything.
 * @throws LockLostError
 */
export async function recordStart(lock: FailoverLock): Promise<FailoverLock> {
  if (lock.decision !== 'acquired') {
    throw new LockLostError(
      `this execution did not acquire the failover lock of plan ${lock.planName} (${lock.decision})`,
    );
  }
  // A dry run changes nothing, so it does not count for the minimum interval.
  if (lock.dryRun) return lock;
  const startedAt = nowIso();
  const outcome = await recordFailoverStart(refOf(lock), lock.executionArn, startedAt, lock.version);
  const current = outcome.written ? undefined : outcome.current;
  if (
    current?.holder?.executionArn === lock.executionArn &&
    current.lastFailoverExecution === lock.executionArn &&
    current.lastFailoverStartedAt !== undefined
  ) {
    // A retry of this step (its first response was lost): the start stays as first recorded.
    const recorded = current.lastFailoverStartedAt;
    return { ...lock, failoverStartedAt: recorded, lastFailoverStartedAt: recorded };
  }
  if (!outcome.written) {
    const holder = outcome.current?.holder?.executionArn;
    throw new LockLostError(
      `the failover lock of plan ${lock.planName} is no longer held by this execution (${holder ? `held by ${holder}` : 'free'}): not starting the failover`,
    );
  }
  return { ...lock, failoverStartedAt: startedAt, lastFailoverStartedAt: startedAt };
}

/**
 * "Release Lock": after the final notification, free the lock if this execution still holds it.
 * Best effort by design: the ASL catches any error into `$.lockReleaseFailure` and the execution
 * ends as it would have; a lock left behind is reclaimed by the next execution, because its
 * holder is no longer running.
 */
export async function releaseLock(lock: FailoverLock): Promise<LockRelease> {
  const releasedAt = nowIso();
  if (lock.decision !== 'acquired') {
    return {
      released: false,
      releasedAt,
      message: 'this execution did not hold the lock: nothing to release',
    };
  }
  const outcome = await clearHolder(refOf(lock), lock.executionArn);
  if (outcome.written)
    return { released: true, releasedAt, message: `lock of plan ${lock.planName} released` };
  const holder = outcome.current?.holder?.executionArn;
  return {
    released: false,
    releasedAt,
    message: holder
      ? `the lock is no longer held by this execution (taken over by ${holder}): nothing to release`
      : 'the lock is already free: nothing to release',
  };
}
