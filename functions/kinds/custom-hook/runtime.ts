import { randomUUID } from 'node:crypto';
import {
  readGate,
  readProgress,
  rememberOnce,
  writeAssessment,
  writeProgress,
} from '../../common/failover-record.js';
import { nowIso } from '../../common/step-handler.js';
import { KINDS } from '../registry.js';
import {
  mapBounded,
  summarise,
  type Assessed,
  type KindContext,
  type KindRuntime,
  type KindSummary,
} from '../kind-step.js';
import {
  customHookKind,
  HOOK_RETRY_INTERVAL_SECONDS,
  MAX_HOOK_RETRIES,
  type CustomHookPlan,
} from './definition.js';
import { HookFailedError } from './errors.js';
import { invokeHook } from './invoke-hook.js';
import type { AttemptClaim, AttemptOutcome, GateFacts, HookInput, HookProgress } from './types.js';

const KIND = customHookKind.id;
const CONCURRENCY = 10;

/**
 * The custom hook kind: invokes each of the user's functions once (RequestResponse), with the
 * plan's retries after a failure, in the Recover phase beside the data and compute. A blocking
 * hook that fails every attempt fails the phase (HookFailedError), so the Route phase never runs
 * and the failure notice says why; a non-blocking one is reported in the success notice with a
 * warning and the failover goes on. A dry run invokes nothing and says what it would invoke.
 *
 * Delivery: **at most once per attempt, at most 1 + retries invocations per execution.** Each
 * attempt is claimed in the failover record (a write-once fact) before its Invoke; a step run
 * again (a lost response, a Lambda timeout, a redrive) finds the claim and does not invoke that
 * attempt again. Its outcome is then unknown (the earlier run may have invoked it): like a
 * failure, it uses up the attempt and the next one runs only if the plan allows retries. A hook
 * with `retries: 0` therefore runs at most once; one with retries must be safe to run again, as
 * any retried function must. Nothing is invoked again after a success.
 */

/** Each attempt's claim is a facts item of its own: hook index × attempts allowed + attempt. */
const claimIndex = (hookIndex: number, attempt: number): number =>
  hookIndex * (MAX_HOOK_RETRIES + 1) + attempt - 1;

/** What the gates of the other kinds recorded (read-only; the Gate phase ran before Recover). */
async function gateFacts({ plan, scope }: KindContext): Promise<GateFacts[]> {
  const gated = KINDS.filter((kind) => kind.hasGate && (plan[kind.planKey] as readonly unknown[]).length > 0);
  const recorded = await Promise.all(
    gated.map(async (kind) => ({
      kind: kind.id,
      looks: await readGate<({ skipped?: boolean; lagSeconds?: number | null } | null)[]>(scope, kind.id),
    })),
  );
  // A gate that recorded nothing did not run (a direct invocation): it says nothing to the hook.
  return recorded.flatMap(({ kind, looks }) => {
    if (looks === undefined) return [];
    const lags = looks
      .map((look) => look?.lagSeconds)
      .filter((lag): lag is number => typeof lag === 'number');
    const measuresLag = looks.some((look) => look !== null && 'lagSeconds' in look);
    return [
      {
        kind,
        resources: looks.length,
        skipped: looks.filter((look) => look?.skipped === true).length,
        ...(measuresLag ? { maxLagSeconds: lags.length > 0 ? Math.max(...lags) : null } : {}),
      },
    ];
  });
}

const hookInput = (
  context: KindContext,
  hook: CustomHookPlan,
  attempt: number,
  gates: readonly GateFacts[],
): HookInput => ({
  planName: context.plan.name,
  hook: hook.name,
  direction: context.direction,
  phase: 'recover',
  dryRun: false,
  trigger: context.planned ? 'drill' : 'alarm',
  executionId: context.scope.executionId,
  attempt,
  primaryRegion: context.plan.primaryRegion,
  recoveryRegion: context.plan.recoveryRegion,
  gates,
});

const mode = (hook: CustomHookPlan): string => (hook.blocking ? 'blocking' : 'non-blocking');
const secondsFromNow = (seconds: number): string => new Date(Date.now() + seconds * 1000).toISOString();

/** Where a hook stands after one attempt's outcome. */
function afterAttempt(hook: CustomHookPlan, attempts: readonly AttemptOutcome[]): HookProgress {
  const last = attempts.at(-1) as AttemptOutcome;
  const base = { name: hook.name, blocking: hook.blocking, attempts };
  const times = `${attempts.length} attempt${attempts.length === 1 ? '' : 's'}`;
  if (last.outcome === 'succeeded')
    return {
      ...base,
      status: 'succeeded',
      doneAt: last.at,
      message: `invoked, succeeded (${times}): ${last.detail}`,
    };
  if (attempts.length <= hook.retries) {
    const wait = HOOK_RETRY_INTERVAL_SECONDS * attempts.length;
    return {
      ...base,
      status: 'retrying',
      retryAt: secondsFromNow(wait),
      message: `attempt ${attempts.length} ${last.outcome === 'failed' ? 'failed' : 'had no answer'} (${last.detail}); retrying in ${wait}s`,
    };
  }
  return {
    ...base,
    status: 'failed',
    doneAt: last.at,
    message: hook.blocking
      ? `FAILED (${mode(hook)}, ${times}): ${last.detail}`
      : `WARNING: FAILED (${mode(hook)}: the failover went on; ${times}): ${last.detail}`,
  };
}

/** Runs one attempt of one hook unless an earlier run of this step already claimed it. */
async function attemptHook(
  context: KindContext,
  hook: CustomHookPlan,
  index: number,
  previous: readonly AttemptOutcome[],
  gates: readonly GateFacts[],
): Promise<HookProgress> {
  const attempt = previous.length + 1;
  const token = randomUUID();
  const claim = await rememberOnce<AttemptClaim>(context.scope, KIND, claimIndex(index, attempt), {
    attempt,
    claimedAt: nowIso(),
    token,
  });
  const outcome: AttemptOutcome =
    claim.token === token
      ? await invokeHook(hook, hookInput(context, hook, attempt, gates))
      : {
          attempt,
          outcome: 'unknown',
          detail: `an earlier run of this step claimed attempt ${attempt} at ${claim.claimedAt} and its outcome was lost: not invoked again`,
          at: nowIso(),
        };
  return afterAttempt(hook, [...previous, outcome]);
}

const due = (progress: HookProgress): boolean =>
  progress.status === 'retrying' && Date.parse(progress.retryAt ?? '') <= Date.now() + 1_000;

function summary(action: 'start' | 'check', progress: readonly HookProgress[]): KindSummary {
  const failedBlocking = progress.filter((hook) => hook.status === 'failed' && hook.blocking);
  if (failedBlocking.length > 0) {
    throw new HookFailedError(
      `${failedBlocking.length} blocking hook${failedBlocking.length === 1 ? '' : 's'} failed, so the failover stops before the Route phase: ${failedBlocking
        .map((hook) => `${hook.name}: ${hook.message}`)
        .join('; ')}`,
    );
  }
  const result = summarise(
    KIND,
    action,
    progress.map((hook) => ({
      done: hook.status !== 'retrying',
      pollSeconds: Math.ceil((Date.parse(hook.retryAt ?? '') - Date.now()) / 1000) || 1,
      doneAt: hook.doneAt,
    })),
    'hooks done',
  );
  const failed = progress.filter((hook) => hook.status === 'failed').length;
  return failed === 0
    ? result
    : { ...result, message: `${result.message}; WARNING: ${failed} non-blocking failed` };
}

/** Invokes every hook (first attempts), or in a dry run says what it would invoke. */
async function start(context: KindContext): Promise<KindSummary> {
  const { plan, scope, dryRun } = context;
  const recorded = (await readProgress<HookProgress[]>(scope, KIND)) ?? [];
  const gates = dryRun ? [] : await gateFacts(context);
  const progress = await mapBounded(plan.hooks, CONCURRENCY, (hook, i): Promise<HookProgress> => {
    const done = recorded[i];
    if (done !== undefined) return Promise.resolve(done);
    if (dryRun)
      return Promise.resolve({
        status: 'dry-run',
        name: hook.name,
        blocking: hook.blocking,
        attempts: [],
        doneAt: nowIso(),
        message: `dry run: would invoke ${hook.functionArn} (${mode(hook)}, timeout ${hook.timeoutSeconds}s, ${hook.retries} retries)`,
      });
    return attemptHook(context, hook, i, [], gates);
  });
  await writeProgress(scope, KIND, progress);
  return summary('start', progress);
}

/** After a Wait: the next attempt of every hook whose retry is due. */
async function check(context: KindContext): Promise<KindSummary> {
  const { plan, scope } = context;
  const recorded = (await readProgress<HookProgress[]>(scope, KIND)) ?? [];
  const gates = recorded.some(due) ? await gateFacts(context) : [];
  const progress = await mapBounded(plan.hooks, CONCURRENCY, (hook, i): Promise<HookProgress> => {
    const current = recorded[i];
    if (current === undefined) throw new Error(`hook ${hook.name} was never invoked: Check ran before Start`);
    return due(current) ? attemptHook(context, hook, i, current.attempts, gates) : Promise.resolve(current);
  });
  await writeProgress(scope, KIND, progress);
  return summary('check', progress);
}

/** A hook leaves nothing in AWS to read: the record says what each attempt did. */
async function readBack({ plan, scope }: KindContext): Promise<readonly Assessed[]> {
  const recorded = (await readProgress<HookProgress[]>(scope, KIND)) ?? [];
  const assessed = plan.hooks.map((hook, i): Assessed => {
    const progress = recorded[i];
    if (progress === undefined) return { label: hook.name, done: false, detail: 'not invoked' };
    return { label: hook.name, done: progress.status === 'succeeded', detail: progress.message };
  });
  await writeAssessment(scope, KIND, assessed);
  return assessed;
}

export const customHookRuntime: KindRuntime = { kind: KIND, start, check, readBack };
