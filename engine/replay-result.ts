import {
  FAIL_ERRORS,
  LOCK_DECISIONS,
  STATES,
  TRIGGER_DECISIONS,
  type Outcome,
} from '../functions/common/vocabulary.js';
import type {
  FailoverLock,
  LockDecision,
  LockRelease,
  WorkflowState,
} from '../functions/common/workflow-state.js';
import { completedAt } from './report/failover-report.js';
import { causeText } from './execution-facts.js';
import type { StateEvent } from './timeline.js';

/** How an execution ended, as the replay reports it (the CLI's exit code follows it). */
export type ReplayOutcome = Outcome;

/** How the local engine saw an execution end (Step Functions' own statuses). */
export type Settled =
  | { readonly status: 'SUCCEEDED'; readonly output: unknown }
  | {
      readonly status: 'FAILED' | 'TIMED_OUT' | 'ABORTED';
      readonly error: { readonly error: string; readonly cause: string };
    };

/** What the one-failover-at-a-time guard did for one execution. */
export interface ReplayLock {
  readonly decision: LockDecision;
  readonly message: string;
  /** The execution whose stale lock this one took over, if any. */
  readonly reclaimedFrom: string | null;
  /** A running dry-run drill this live execution took the lock from (and stopped). */
  readonly preempted: string | null;
  /**
   * `released`; `not-held` (the release found the lock no longer this execution's); `failed`
   * (the best-effort release failed: see `releaseError`); null when no release ran (duplicate,
   * refused, or still running).
   */
  readonly release: 'released' | 'not-held' | 'failed' | null;
  readonly releaseError?: string;
}

/**
 * The one outcome vocabulary (functions/common/vocabulary.ts OUTCOMES): `ignored` not an event
 * for this plan, `duplicate` another execution holds the lock (both: nothing changed, nobody
 * paged), `refused` within the plan's minimum interval (notified), `aborted` the alarm recovered
 * during the confirm window, or the execution was stopped from outside.
 */
export function outcomeOf(settled: Settled): ReplayOutcome {
  if (settled.status === 'SUCCEEDED') {
    const decision = (settled.output as { decision?: string } | null)?.decision;
    if (decision === TRIGGER_DECISIONS.ignore) return 'ignored';
    if (decision === LOCK_DECISIONS.duplicate) return 'duplicate';
    return 'succeeded';
  }
  if (settled.status === 'ABORTED') return 'aborted';
  if (settled.error.error === FAIL_ERRORS.refused) return 'refused';
  if (settled.error.error === FAIL_ERRORS.aborted) return 'aborted';
  return 'failed';
}

export function summaryOf(outcome: ReplayOutcome, settled: Settled): string {
  if (settled.status === 'SUCCEEDED') {
    const { decision, message } = (settled.output ?? {}) as { decision?: string; message?: string };
    if (outcome === 'succeeded') return 'failover succeeded';
    if (decision === LOCK_DECISIONS.duplicate)
      return `duplicate: ${message ?? 'another execution holds the lock'}`;
    return `event ignored: ${message ?? 'not for this plan'}`;
  }
  const { error, cause } = settled.error;
  if (settled.status === 'ABORTED') return `execution stopped: ${error}: ${cause}`;
  if (settled.status === 'TIMED_OUT') return `execution timed out: ${cause}`;
  if (error === FAIL_ERRORS.refused) return `failover refused: ${cause}`;
  if (outcome === 'aborted') return `failover aborted: ${cause}`;
  return `failover failed: ${error}: ${cause}`;
}

export function rtoOf(output: unknown): number | null {
  const state = output as WorkflowState | null;
  const from = state?.trigger?.triggeredAt;
  const to = completedAt(state);
  if (from === undefined || to === null) return null;
  return Math.round((Date.parse(to) - Date.parse(from)) / 100) / 10;
}

const LOCK_STATES = new Set<string>([STATES.acquireLock, STATES.recordFailoverStart]);
const RELEASE_STATES = new Set<string>([
  STATES.releaseLockAfterAbort,
  STATES.releaseLockAfterSuccess,
  STATES.releaseLockAfterFailure,
]);

/**
 * The lock's story, read from the states' outputs in the event log (a failed execution has no
 * output, but its Release Lock state does).
 */
export function lockOf(events: readonly StateEvent[]): ReplayLock | null {
  let lock: FailoverLock | undefined;
  let release: ReplayLock['release'] = null;
  let releaseError: string | undefined;
  for (const event of events) {
    if (event.type === 'StateExited') {
      if (LOCK_STATES.has(event.name) && event.lock) lock = event.lock as FailoverLock;
      const lockRelease = event.lockRelease as LockRelease | undefined;
      if (RELEASE_STATES.has(event.name) && lockRelease) {
        release = lockRelease.released ? 'released' : 'not-held';
      }
    }
    // A caught release failure shows in the input of the state after it (a Fail state has no output).
    const failure = event.lockReleaseFailure as { Error?: string; Cause?: string } | undefined;
    if (failure && release === null) {
      release = 'failed';
      releaseError = `${failure.Error ?? 'Error'}: ${causeText(failure.Cause ?? '')}`;
    }
  }
  if (lock === undefined) return null;
  return {
    decision: lock.decision,
    message: lock.message,
    reclaimedFrom: lock.reclaimedFrom?.executionArn ?? null,
    preempted: lock.preempted?.executionArn ?? null,
    release,
    ...(releaseError !== undefined ? { releaseError } : {}),
  };
}
