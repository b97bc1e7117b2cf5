import { describeError } from '../common/errors.js';
import {
  pendingResources,
  readFencing,
  writeFencing,
  type FencedResource,
  type FencingRecord,
} from '../common/fencing-record.js';
import type { Plan } from '../common/plan.js';
import { publishPlanNotice, subjectLine } from '../common/plan-notice.js';
import { nowIso } from '../common/step-handler.js';
import type { KindContext } from '../kinds/kind-step.js';
import { FENCE_RETRY_MINUTES, fencingKinds } from './fencing-kinds.js';

/**
 * The scheduled fence retry (issue 10): every 5 minutes, for each fencing kind of the plan whose
 * record is open and still has resources pending, run the kind's `fence` again (the failover's
 * own action, on the failover execution the record names), then publish one notice for the
 * attempt: what got fenced now, what is still pending and why. Nothing pending (or every record
 * closed by a failback, or no failover ever fenced): no call that changes anything, no notice.
 */

/**
 * Runs one kind's `fence` (KindRuntime.fence). The deployed retry invokes the kind's own function
 * (invoke-fence.ts), so it needs no permission on the plan's resources; the local engine and the
 * tests call a runtime in process (engine/fence-retries.ts).
 */
export type Fencer = (kind: string, context: KindContext) => Promise<unknown>;

/** One kind's attempt: the record before and after, and the error when the fence itself failed. */
export interface KindAttempt {
  readonly kind: string;
  readonly failoverExecution: string;
  /** Pending before this attempt, fenced (or no longer to fence) after it. */
  readonly fencedNow: readonly FencedResource[];
  /** Still pending after this attempt, with their attempt counts and last errors. */
  readonly stillPending: readonly FencedResource[];
  /** The fence action failed as a whole (e.g. its function could not be invoked). */
  readonly error?: string;
}

export interface FenceRetryResult {
  readonly planName: string;
  readonly at: string;
  readonly attempts: readonly KindAttempt[];
  /** The notice of this attempt (absent when nothing was pending). */
  readonly notice?: { readonly subject: string; readonly messageId: string | null };
}

/** `fenced` and `not-applicable` are final; only `pending` is retried. */
const stillPending = (resource: FencedResource): boolean => resource.status === 'pending';

/**
 * Counts this attempt on each resource still pending that the kind's fence did not record
 * (it failed before writing, or did not get to the resource): attempts + 1, and the error line
 * when there is one. Facts and every other field stay as recorded.
 */
function countAttempt(resource: FencedResource, at: string, error: string | undefined): FencedResource {
  if (!stillPending(resource)) return resource;
  if (resource.lastAttemptAt !== undefined && resource.lastAttemptAt >= at) return resource;
  return {
    ...resource,
    attempts: resource.attempts + 1,
    lastAttemptAt: at,
    ...(error !== undefined ? { detail: `fence retry failed: ${error}` } : {}),
  };
}

/** One kind: fence again, then read back what the record says now. */
async function retryKind(
  plan: Plan,
  kind: string,
  before: FencingRecord,
  fence: Fencer,
): Promise<KindAttempt> {
  const region = plan.recoveryRegion;
  const at = nowIso();
  const context: KindContext = {
    plan,
    scope: { planName: plan.name, executionId: before.failoverExecution },
    dryRun: false,
    planned: false,
    direction: 'failover',
  };
  let error: string | undefined;
  try {
    await fence(kind, context);
  } catch (failure) {
    error = describeError(failure);
  }
  const read = (await readFencing(region, plan.name, kind)) ?? before;
  let after = read;
  const counted = read.resources.map((resource) => countAttempt(resource, at, error));
  if (read.state === 'open' && counted.some((resource, index) => resource !== read.resources[index])) {
    // writeFencing stamps its own updatedAt over the one read.
    after = await writeFencing(region, { ...read, resources: counted });
  }
  const pendingBefore = new Set(pendingResources(before).map((resource) => resource.label));
  return {
    kind,
    failoverExecution: before.failoverExecution,
    fencedNow: after.resources.filter(
      (resource) => pendingBefore.has(resource.label) && !stillPending(resource),
    ),
    stillPending: pendingResources(after),
    ...(error !== undefined ? { error } : {}),
  };
}

/** The notice of one attempt: a headline, then one line per resource that was pending. */
export function composeRetryNotice(
  plan: Plan,
  attempts: readonly KindAttempt[],
  at: string,
): { subject: string; body: string } {
  const fenced = attempts.reduce((sum, attempt) => sum + attempt.fencedNow.length, 0);
  const pending = attempts.reduce((sum, attempt) => sum + attempt.stillPending.length, 0);
  const subject =
    pending === 0
      ? `Failover ${plan.name}: old region fenced (${fenced} fenced now)`
      : `Failover ${plan.name}: ${pending} NOT fenced yet, ${fenced} fenced now`;
  const lines = attempts.flatMap((attempt) => [
    ...(attempt.error !== undefined ? [`${attempt.kind}: the fence failed: ${attempt.error}`] : []),
    ...attempt.fencedNow.map(
      (resource) => `${attempt.kind} ${resource.label}: fenced now: ${resource.detail}`,
    ),
    ...attempt.stillPending.map(
      (resource) =>
        `${attempt.kind} ${resource.label}: NOT fenced yet (${resource.attempts} attempts, retried every ${FENCE_RETRY_MINUTES} minutes): ${resource.detail}`,
    ),
  ]);
  const executions = [...new Set(attempts.map((attempt) => attempt.failoverExecution))].join(', ');
  const footer =
    pending === 0
      ? 'Nothing is left to fence: the retry stops here.'
      : `Next attempt in ${FENCE_RETRY_MINUTES} minutes; \`failover status --plan <file>\` shows the fencing.`;
  return {
    subject: subjectLine(subject),
    body: [`Fence retry of plan ${plan.name} at ${at} (failover ${executions}):`, ...lines, '', footer].join(
      '\n',
    ),
  };
}

/** Publishes once (no SDK retry: a lost answer would publish twice). */
const PUBLISH_ONCE = { requestTimeoutMs: 10_000, maxAttempts: 1 } as const;

/**
 * One scheduled run: retries every open record's pending resources, kind by kind at once, and
 * publishes one notice when anything was attempted.
 */
export async function retryFencing(plan: Plan, fence: Fencer): Promise<FenceRetryResult> {
  const at = nowIso();
  const region = plan.recoveryRegion;
  const records = await Promise.all(
    fencingKinds(plan).map(async (kind) => ({
      kind: kind.id,
      record: await readFencing(region, plan.name, kind.id),
    })),
  );
  const work = records.filter(
    (entry): entry is { kind: string; record: FencingRecord } => pendingResources(entry.record).length > 0,
  );
  if (work.length === 0) return { planName: plan.name, at, attempts: [] };
  const attempts = await Promise.all(work.map(({ kind, record }) => retryKind(plan, kind, record, fence)));
  const notice = composeRetryNotice(plan, attempts, at);
  const sent = await publishPlanNotice(plan, 'fence-retry', notice, PUBLISH_ONCE);
  return {
    planName: plan.name,
    at,
    attempts,
    notice: { subject: sent.subject, messageId: sent.messageId },
  };
}
