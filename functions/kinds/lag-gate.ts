import { ReplicaLagExceededError, ReplicaLagUnknownError } from '../common/errors.js';
import { readGate, writeGate, type RecordScope } from '../common/failover-record.js';
import { mapBounded, summarise, type KindSummary } from './kind-step.js';
import { requireAll, skippedMessage } from './preflight.js';

/**
 * The RPO gate kinds that replicate data share (RDS read replicas, ElastiCache Global Datastores):
 * one read-only look at every item not yet through it, lag against the plan's threshold, and the
 * plan's `onLagExceeded` once `lagWaitSeconds` have passed.
 */

/** What a lag gate records per item, whatever the kind adds. */
export interface LagLook {
  readonly checks: number;
  readonly firstCheckedAt?: string;
  /** Latest lag datapoint in seconds; null when the metric had none. */
  readonly lagSeconds?: number | null;
  /** `wait` loops through a Wait state; `proceed` passes the gate. */
  readonly decision?: 'proceed' | 'wait';
  readonly waitSeconds?: number;
  /** Passed the gate with lag above the threshold because the policy is `promote`. */
  readonly promotedOverThreshold?: boolean;
  /** Optional, and unable to fail over: never changed. */
  readonly skipped?: boolean;
  readonly message?: string;
}

/** One item's lag policy, from the plan. */
export interface LagPolicy {
  readonly maxLagSeconds: number;
  readonly lagWaitSeconds: number;
  readonly onLagExceeded: 'abort' | 'promote';
}

/**
 * What to do with one item whose lag was just read: within the threshold it proceeds; over it (or
 * with no datapoint) the workflow waits `pollSeconds` and looks again until `lagWaitSeconds` have
 * passed since the first look; then `promote` proceeds (saying what may be lost) and `abort` throws.
 * `metric` names the lag metric, `verb` what the kind does ("promoting", "failing over").
 * @throws ReplicaLagExceededError, ReplicaLagUnknownError
 */
export function decideOnLag(
  label: string,
  lagSeconds: number | null,
  policy: LagPolicy,
  {
    waited,
    pollSeconds,
    metric,
    verb,
  }: { waited: number; pollSeconds: number; metric: string; verb: string },
): Pick<LagLook, 'lagSeconds' | 'decision' | 'waitSeconds' | 'promotedOverThreshold' | 'message'> {
  const { maxLagSeconds, lagWaitSeconds } = policy;
  if (lagSeconds !== null && lagSeconds <= maxLagSeconds)
    return {
      lagSeconds,
      decision: 'proceed',
      message: `${label} lag ${lagSeconds}s is within ${maxLagSeconds}s`,
    };
  const lagText =
    lagSeconds === null ? `has no ${metric} datapoint` : `lag ${lagSeconds}s is above ${maxLagSeconds}s`;
  if (waited < lagWaitSeconds) {
    const waitSeconds = Math.max(1, Math.min(pollSeconds, Math.ceil(lagWaitSeconds - waited)));
    return { lagSeconds, decision: 'wait', waitSeconds, message: `${label} ${lagText}: waiting` };
  }
  if (policy.onLagExceeded === 'promote') {
    const window = lagSeconds === null ? 'unknown (no lag datapoint)' : `about ${lagSeconds}s of writes`;
    return {
      lagSeconds,
      decision: 'proceed',
      promotedOverThreshold: true,
      message: `${label} ${lagText} after ${Math.round(waited)}s; ${verb} anyway (onLagExceeded: promote). Estimated data-loss window: ${window}`,
    };
  }
  const detail = `${label} ${lagText} after waiting ${Math.round(waited)}s (lagWaitSeconds ${lagWaitSeconds}); onLagExceeded is abort, so nothing was ${verb === 'promoting' ? 'promoted' : 'failed over'}`;
  if (lagSeconds === null) throw new ReplicaLagUnknownError(detail);
  throw new ReplicaLagExceededError(detail);
}

/** One kind's lag gate: its items, how to look at one, and which refusals stop the gate. */
export interface LagGate<Item extends { readonly optional: boolean }, Look extends LagLook> {
  readonly kind: string;
  /** Plural noun for the preflight's message: "replicas". */
  readonly noun: string;
  /** What the summary counts: "replicas through the RPO gate". */
  readonly passed: string;
  readonly items: readonly Item[];
  readonly concurrency: number;
  readonly label: (item: Item) => string;
  /** One read-only look at an item not yet through the gate. */
  readonly look: (item: Item, previous: Look | { readonly checks: 0 }) => Promise<Look>;
  /** The look recorded for an item refused (not found, lag over with `abort`, …): its label field. */
  readonly refused: (item: Item) => Partial<Look>;
  /** Errors that stop the item at the gate (others are the step's own failures). */
  readonly isRefusal: (error: unknown) => error is Error;
}

/**
 * Runs one look of a lag gate over every item not yet through it and records the looks. An item
 * that cannot fail over stops the failover, naming every such item at once; an optional one is
 * skipped instead. One required item refused for its lag keeps its own error name
 * (ReplicaLagExceededError, ReplicaLagUnknownError); otherwise a PreflightFailedError.
 * @throws ReplicaLagExceededError, ReplicaLagUnknownError, PreflightFailedError
 */
export async function runLagGate<Item extends { readonly optional: boolean }, Look extends LagLook>(
  scope: RecordScope,
  gate: LagGate<Item, Look>,
): Promise<KindSummary> {
  const previous = (await readGate<Look[]>(scope, gate.kind)) ?? [];
  const refusals: (Error | undefined)[] = [];
  const checks = await mapBounded(gate.items, gate.concurrency, async (item, i): Promise<LagLook> => {
    const last = previous[i];
    if (last?.decision === 'proceed') return last;
    try {
      return await gate.look(item, last ?? { checks: 0 });
    } catch (error) {
      if (!gate.isRefusal(error)) throw error;
      refusals[i] = error;
      const base = { ...gate.refused(item), checks: (last?.checks ?? 0) + 1, lagSeconds: null };
      return item.optional
        ? { ...base, decision: 'proceed', skipped: true, message: skippedMessage(error.message) }
        : { ...base, message: error.message };
    }
  });
  await writeGate(scope, gate.kind, checks);
  const blocking = gate.items.flatMap((item, i) => {
    const refusal = refusals[i];
    return refusal !== undefined && !item.optional ? [refusal] : [];
  });
  const [only] = blocking;
  if (
    blocking.length === 1 &&
    (only instanceof ReplicaLagExceededError || only instanceof ReplicaLagUnknownError)
  )
    throw only;
  requireAll(
    gate.noun,
    gate.items.map((item, i) => ({
      label: gate.label(item),
      optional: item.optional,
      ...(refusals[i] !== undefined ? { problem: refusals[i].message } : {}),
    })),
  );
  const summary = summarise(
    gate.kind,
    'gate',
    checks.map((check) => ({ done: check.decision === 'proceed', pollSeconds: check.waitSeconds ?? 1 })),
    gate.passed,
  );
  const lags = checks
    .map((check) => check.lagSeconds)
    .filter((lag): lag is number => typeof lag === 'number');
  const over = checks.filter((check) => check.promotedOverThreshold === true).length;
  const skipped = checks.filter((check) => check.skipped === true).length;
  const notes = [
    ...(over > 0 ? [`${over} over the lag threshold (onLagExceeded: promote)`] : []),
    ...(skipped > 0 ? [`${skipped} optional skipped`] : []),
  ];
  return {
    ...summary,
    maxLagSeconds: lags.length === 0 ? null : Math.max(...lags),
    ...(notes.length > 0 ? { message: [summary.message, ...notes].join('; ') } : {}),
  };
}
