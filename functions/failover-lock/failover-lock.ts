import { deployedPlan } from '../common/config.js';
import type { FailoverLock, FailoverLockInput, LockRelease } from '../common/workflow-state.js';
import { acquireLock } from './acquire-lock.js';
import { InvalidLockRequestError } from './errors.js';
import { recordStart, releaseLock } from './release-lock.js';

/**
 * The failover lock, one Lambda for its three states ("Acquire Lock", "Record Failover Start",
 * "Release Lock …"): the whole protocol on the lock item reads in one place, and one role holds
 * its permissions. See acquire-lock.ts for the rules and lock-table.ts for the item.
 */
export async function failoverLock(input: FailoverLockInput): Promise<FailoverLock | LockRelease> {
  switch (input.action) {
    case 'acquire':
      return acquireLock({ ...input, plan: deployedPlan() });
    case 'record-start':
      return recordStart(input.lock);
    case 'release':
      return releaseLock(input.lock);
    default:
      throw new InvalidLockRequestError(
        `unknown lock action ${JSON.stringify((input as { action?: unknown }).action)}`,
      );
  }
}
