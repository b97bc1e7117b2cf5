import { NotificationUnconfirmedError } from '../common/errors.js';
import { remainingTimeMs, withinTime } from '../common/step-handler.js';
import { StepInputError } from '../common/step-inputs.js';
import { publishPlanNotice } from '../common/plan-notice.js';
import { deployedPlan, notificationTopicArn } from '../common/config.js';
import {
  readAssessment,
  readGate,
  readPrewarm,
  readProgress,
  recordApprovalRequest,
  type RecordScope,
} from '../common/failover-record.js';
import { readFencing } from '../common/fencing-record.js';
import type { Plan } from '../common/plan.js';
import type { Notification, NotifyInput } from '../common/workflow-state.js';
import type { Assessed } from '../kinds/kind-step.js';
import { KINDS } from '../kinds/registry.js';
import { composeMessage, type GateLook, type KindRecord } from './compose.js';
import { fenceRan } from './fence-lines.js';
import { claimNotice, recordSent, releaseNotice } from './notification-record.js';

/** What the failover record holds for each kind the plan uses (one read per kind and part). */
async function kindRecords(
  plan: Plan,
  scope: RecordScope,
  { kind, state }: Pick<NotifyInput, 'kind' | 'state'>,
): Promise<KindRecord[]> {
  const used = KINDS.filter((candidate) => (plan[candidate.planKey] as readonly unknown[]).length > 0);
  const prewarmed = state.prewarm !== undefined || state.prewarmFailure !== undefined;
  return Promise.all(
    used.map(async (candidate): Promise<KindRecord> => {
      const items = plan[candidate.planKey] as readonly Parameters<typeof candidate.label>[0][];
      const labels = items.map((item) => (candidate.label as (value: unknown) => string)(item));
      const prewarm =
        prewarmed && candidate.reversible === true && kind !== 'started'
          ? await readPrewarm<({ message?: string } | null)[]>(scope, candidate.id).catch(() => undefined)
          : undefined;
      if (kind === 'started' || kind === 'aborted' || kind === 'approval')
        return { kind: candidate, labels, prewarm };
      // Best effort: a record that cannot be read must not stop the notice (each resource then reads "unknown").
      const [progress, gate, assessment] = await Promise.all([
        readProgress<({ message?: string } | null)[]>(scope, candidate.id),
        candidate.hasGate ? readGate<GateLook[]>(scope, candidate.id) : Promise.resolve(undefined),
        kind === 'failed' ? readAssessment<Assessed[]>(scope, candidate.id) : Promise.resolve(undefined),
      ]).catch(() => [undefined, undefined, undefined] as const);
      // Issue 10: what the fence did, for its lines (the record is in the lock table's region).
      const fencing =
        candidate.fences !== undefined && fenceRan(state)
          ? await readFencing(executionRegion(scope, plan), plan.name, candidate.id).catch(() => undefined)
          : undefined;
      return { kind: candidate, labels, progress, gate, assessment, prewarm, fencing };
    }),
  );
}

/** The region of the execution, where the lock table (and the fencing record) is. */
const executionRegion = (scope: RecordScope, plan: Plan): string =>
  scope.executionId.split(':')[3] ?? plan.recoveryRegion;

/**
 * Publishes one notification to the plan's topic in the recovery region. Every path through
 * the workflow ends here: started, succeeded, aborted (no change) or failed (with what was and
 * was not done, as each kind read it back from AWS into the failover record). `approval` is the
 * request for a person's approval, sent while the workflow waits on its task token.
 */
export async function notify({ kind, executionId, state, taskToken }: NotifyInput): Promise<Notification> {
  const plan = deployedPlan();
  const topicArn = notificationTopicArn(plan);
  const scope: RecordScope = { planName: plan.name, executionId };
  if (kind === 'approval') {
    // The approval request: the token goes to the failover record before anyone reads the notice
    // whose commands look it up. Only the notice is sent once; every attempt records its token.
    if (taskToken === undefined) throw new StepInputError('invalid step input: approval needs taskToken');
    await recordApprovalRequest(scope, taskToken);
  }
  // The notice goes out before the function times out, whatever the table does: reads that
  // take too long leave each resource "unknown" (the execution's state still says what failed),
  // and a claim that takes too long is given up as a failed one is.
  const reading = kindRecords(plan, scope, { kind, state });
  const records =
    (await withinTime(reading, share(READ_SHARE))) ??
    (await kindRecords(plan, scope, { kind: 'started', state }));
  const message = composeMessage(kind, plan, state, records, new Date());
  // The claim is best effort: a record that cannot be written must not silence the notice
  // (at worst a retry then sends it twice, which beats sending it never).
  let claimed = true;
  let recorded;
  try {
    const claim = await withinTime(
      claimNotice(scope, kind, message.subject).then((notice) => ({ notice })),
      share(CLAIM_SHARE),
    );
    if (claim === undefined) claimed = false;
    recorded = claim?.notice;
  } catch {
    claimed = false;
  }
  if (recorded?.status === 'sent') {
    // A retry of this step (Retry, or a redrive) after the message went out.
    return {
      kind,
      subject: recorded.subject ?? message.subject,
      messageId: recorded.messageId ?? null,
      topicArn,
      delivery: 'already-sent',
    };
  }
  if (recorded !== undefined) {
    throw new NotificationUnconfirmedError(
      `the ${kind} notification's Publish never answered, so it may or may not have gone out; it is not sent again (it could arrive twice), and this execution fails so that the orchestrator's execution alarm reports it`,
    );
  }
  let messageId: string | null;
  try {
    // One attempt: the SDK's own retry of a request whose response was lost would publish twice.
    ({ messageId } = await publishPlanNotice(plan, kind, message, PUBLISH_ONCE));
  } catch (error) {
    // An answer from SNS (an HTTP status) means it did not take the message: the Retry may
    // publish. No answer (a timeout, a broken connection) means it may have: the claim stays.
    if (
      claimed &&
      (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode !== undefined
    )
      await releaseNotice(scope, kind).catch(() => undefined);
    throw error;
  }
  if (messageId !== null && claimed)
    await withinTime(
      recordSent(scope, kind, messageId).catch(() => undefined),
      share(1) - 1_000,
    );
  return { kind, subject: message.subject, messageId, topicArn, delivery: claimed ? 'sent' : 'unclaimed' };
}

/**
 * Of the time the invocation has left, what the record reads may take, then the claim (of
 * what is left after the reads); Publish keeps its own 10 s. With the default 60 s timeout the
 * reads get 30 s and the claim 9 s, so a table that times out every call still leaves Publish
 * 20 s. Outside a Lambda invocation (a test calling `notify`) there is no deadline.
 */
const READ_SHARE = 0.5;
const CLAIM_SHARE = 0.3;
const share = (fraction: number): number => {
  const remaining = remainingTimeMs();
  return remaining === undefined ? Number.POSITIVE_INFINITY : remaining * fraction;
};

/** Publish is sent once per attempt of the step; ON_PATH's timeout. */
const PUBLISH_ONCE = { requestTimeoutMs: 10_000, maxAttempts: 1 } as const;
