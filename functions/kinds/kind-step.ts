import * as z from 'zod';
import { deployedPlan } from '../common/config.js';
import { parseStepInput, StepInputError } from '../common/step-inputs.js';
import { recordTableName, type RecordScope } from '../common/failover-record.js';
import { LockLostError } from '../failover-lock/errors.js';
import { readLock } from '../failover-lock/lock-table.js';
import type { Plan } from '../common/plan.js';
import { secondsSince, stepHandler } from '../common/step-handler.js';
import { DIRECTIONS, KIND_ACTIONS, type Direction, type KindAction } from '../common/vocabulary.js';

/**
 * The Lambda side of a resource kind: the one function a kind deploys answers every action the
 * workflow asks of it. The state carries only this input and the small summary below; the plan
 * comes with the code (deployedPlan) and everything per resource goes to the failover record.
 */

export const kindStepInputSchema = z.strictObject({
  action: z.enum(KIND_ACTIONS),
  /** `$$.Execution.Id`: names the failover record. */
  executionId: z.string().regex(/^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:execution:[^:]+:[^:]+$/),
  /** Read-only run: report what would be done, change nothing. */
  dryRun: z.boolean(),
  /**
   * What started the run: a drill is a planned failover (no data loss allowed: e.g. Aurora's
   * switchover), an alarm an unplanned one. Absent (a direct invocation) reads as an alarm.
   */
  triggerKind: z.enum(['alarm', 'drill']).optional(),
  /** The workflow's direction (state-machines/workflow-builder.ts); absent reads as a failover. */
  direction: z.enum(DIRECTIONS).optional(),
  /**
   * start/check/prewarm/unwarm: the lock's fencing token (its version when this execution took
   * it). The workflow always passes it; without it (a direct invocation) the lock is not checked.
   */
  lockVersion: z.number().int().min(1).optional(),
  /**
   * Failback: the failover execution being undone (`lastFailoverExecution` of the lock item),
   * whose record holds what to come back to (previous parameter values, capacities).
   */
  failoverExecutionId: z
    .string()
    .regex(/^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:execution:[^:]+:[^:]+$/)
    .optional(),
  /** `reprotect`: where the new replica goes, home (the primary region) or the recovery region. */
  target: z.enum(['home', 'recovery']).optional(),
});
export type KindStepInput = z.infer<typeof kindStepInputSchema>;

/** What a kind's step returns to the workflow: a few numbers and one line, whatever the plan's size. */
export interface KindSummary {
  readonly kind: string;
  readonly action: KindAction;
  /** Every resource of the kind is through this action (gate passed, failed over, read back). */
  readonly done: boolean;
  /** Seconds until the next look, when not done. */
  readonly waitSeconds: number;
  readonly total: number;
  /** Resources not yet done. */
  readonly pending: number;
  /** When the last resource got done (for the RTO); present once done. */
  readonly completedAt?: string;
  /** Gates that measure replication lag: the largest lag at the last look (the RPO estimate). */
  readonly maxLagSeconds?: number | null;
  readonly message: string;
}

/** What a kind's logic gets: the deployed plan, the record scope and the run's mode. */
export interface KindContext {
  readonly plan: Plan;
  readonly scope: RecordScope;
  readonly dryRun: boolean;
  /** A drill (planned: the primary region is up, no data loss is acceptable), not an alarm. */
  readonly planned: boolean;
  /** Failover to the recovery region, or failback home: each kind's action has its counterpart. */
  readonly direction: Direction;
  /** Failback: the record of the failover being undone (what to come back to). */
  readonly failoverScope?: RecordScope;
  /** `reprotect`: where the new replica goes. */
  readonly target?: 'home' | 'recovery';
}

/** One resource as read back from AWS for a notice or report. */
export interface Assessed {
  readonly label: string;
  readonly done: boolean;
  readonly detail: string;
}

/** A kind's logic for each action; `gate` is absent for kinds with nothing to check before changes. */
export interface KindRuntime {
  readonly kind: string;
  readonly gate?: (context: KindContext) => Promise<KindSummary>;
  readonly start: (context: KindContext) => Promise<KindSummary>;
  readonly check: (context: KindContext) => Promise<KindSummary>;
  readonly readBack: (context: KindContext) => Promise<readonly Assessed[]>;
  /** Kinds with `fences` in their definition: best effort, never blocks the failover. */
  readonly fence?: (context: KindContext) => Promise<KindSummary>;
  /** Reversible kinds: start the change early, recording what to come back to. */
  readonly prewarm?: (context: KindContext) => Promise<KindSummary>;
  /** Reversible kinds: back to the capacity recorded before the prewarm (after an abort). */
  readonly unwarm?: (context: KindContext) => Promise<KindSummary>;
  /**
   * Failback (issue 10), kinds with a replica to rebuild: a replica at `context.target`, started
   * and then polled by the same action until available and replicating.
   */
  readonly reprotect?: (context: KindContext) => Promise<KindSummary>;
}

export { StepInputError };

export const parseKindStepInput = (input: unknown): KindStepInput =>
  parseStepInput(kindStepInputSchema, input);

/**
 * Fencing: before a step that may change resources, the lock must still be held by this execution
 * at the version it took (a consistent read). An execution stopped, timed out or redriven after
 * another took the lock over, or a retry arriving after the lock was released, stops here.
 * @throws LockLostError
 */
export async function assertHoldsLock(plan: Plan, executionId: string, lockVersion: number): Promise<void> {
  const item = await readLock({
    tableName: recordTableName(),
    region: executionId.split(':')[3] ?? plan.recoveryRegion,
    planName: plan.name,
  });
  const holder = item?.holder?.executionArn;
  if (holder === executionId && item?.version === lockVersion) return;
  const now =
    holder === undefined
      ? 'the lock is free'
      : holder === executionId
        ? `the lock was taken again at version ${item?.version}`
        : `the lock is held by ${holder} (version ${item?.version})`;
  throw new LockLostError(
    `this execution no longer holds the failover lock of plan ${plan.name} (it took version ${lockVersion}; ${now}): it stops here without changing anything`,
  );
}

/**
 * The actions that may change resources check the lock first. An undo too: an execution that lost
 * the lock must not scale back what the execution now holding it may be failing over.
 */
const LOCK_CHECKED_ACTIONS: ReadonlySet<KindAction> = new Set([
  'start',
  'check',
  'prewarm',
  'unwarm',
  'reprotect',
]);

/** Runs one action of a kind; the handler of every kind's Lambda. */
export async function runKindStep(runtime: KindRuntime, input: unknown): Promise<KindSummary> {
  const { action, executionId, dryRun, triggerKind, direction, lockVersion, failoverExecutionId, target } =
    parseKindStepInput(input);
  const plan = deployedPlan();
  const context: KindContext = {
    plan,
    scope: { planName: plan.name, executionId },
    dryRun,
    planned: triggerKind === 'drill',
    direction: direction ?? 'failover',
    ...(failoverExecutionId !== undefined
      ? { failoverScope: { planName: plan.name, executionId: failoverExecutionId } }
      : {}),
    ...(target !== undefined ? { target } : {}),
  };
  if (LOCK_CHECKED_ACTIONS.has(action) && lockVersion !== undefined)
    await assertHoldsLock(plan, executionId, lockVersion);
  switch (action) {
    case 'gate':
      if (runtime.gate === undefined) throw new StepInputError(`${runtime.kind} has no gate`);
      return runtime.gate(context);
    case 'start':
      return runtime.start(context);
    case 'check':
      return runtime.check(context);
    case 'fence':
    case 'prewarm':
    case 'unwarm':
    case 'reprotect': {
      const run = runtime[action];
      if (run === undefined) throw new StepInputError(`${runtime.kind} has no ${action} action`);
      return run(context);
    }
    case 'read-back': {
      const assessed = await runtime.readBack(context);
      const pending = assessed.filter((item) => !item.done).length;
      return {
        kind: runtime.kind,
        action,
        done: true,
        waitSeconds: 0,
        total: assessed.length,
        pending,
        message: `${assessed.length - pending} of ${assessed.length} done`,
      };
    }
  }
}

/** The Lambda handler of a kind: validates the input, runs the action. */
export const kindHandler = (runtime: KindRuntime) =>
  stepHandler(runtime.kind, (input: unknown) => runKindStep(runtime, input));

/** Runs `work` over `items` with at most `limit` in flight, keeping order in the results. */
export async function mapBounded<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/**
 * How long to wait before the next look at a resource that has been under way for `elapsed`
 * seconds: the kind's own interval while a change is young (RDS promotes in minutes, instances
 * boot in one or two), then longer. A kind passes a shorter base when its resource reports it is
 * close to done (an RDS promotion in its final reboot: 1 s; a group with half the awaited
 * instances InService: 2 s), so completion is seen within a second or two instead of up to 15.
 *
 * The bound on Step Functions' 25,000-event history: whatever base a kind asks for, it applies
 * only in the first 600 s of a change; then 60 s until an hour, then 300 s. So a kind's change
 * loop makes at most 600 / b + 50 + (timeout - 3600) / 300 looks, b the shortest base it uses
 * (1 s), a timeout at most 86,400 s (the schema's): 926 looks, at 9 events each (Wait entered
 * and exited, Task entered, scheduled, started, succeeded, exited, Choice entered and exited)
 * about 8,300 events, and 15 s bases cost 40 of those looks where 1 s costs 600. The longest
 * execution the schema allows stays under 20,000 events (`npm run bench -- --json`,
 * worstCaseHistoryEvents).
 */
export function pollInterval(baseSeconds: number, elapsedSeconds: number): number {
  if (elapsedSeconds < 600) return baseSeconds;
  if (elapsedSeconds < 3_600) return Math.max(baseSeconds, 60);
  return Math.max(baseSeconds, 300);
}

/**
 * A traffic change Route 53 follows through health checks: when the plan's health check delay,
 * counted from `sinceMs` (the flip), runs out, and how many seconds are left, for the kinds that
 * move traffic through Route 53 health checks.
 */
export function healthCheckDelay(
  sinceMs: number,
  delaySeconds: number,
): { readonly routedAt: string; readonly remaining: number; readonly routed: boolean } {
  const routedMs = sinceMs + delaySeconds * 1000;
  const remaining = Math.ceil((routedMs - Date.now()) / 1000);
  return { routedAt: new Date(routedMs).toISOString(), remaining, routed: remaining <= 0 };
}

/** One change under way, for `summarise`: its next look stretches as the change ages (pollInterval). */
export function underWay(
  change: { readonly pollSeconds: number; readonly startedAt?: string; readonly waitingSince?: string },
  done: boolean,
  doneAt: string | undefined,
): { readonly done: boolean; readonly pollSeconds: number; readonly doneAt?: string } {
  const since = change.startedAt ?? change.waitingSince ?? new Date().toISOString();
  return { done, pollSeconds: pollInterval(change.pollSeconds, secondsSince(since)), doneAt };
}

/**
 * Summary of a start/check over items that each have a status and a poll interval. `noun` names
 * the items that are done, e.g. 'replicas promoted': "1 of 2 replicas promoted".
 */
export function summarise(
  kind: string,
  action: KindAction,
  items: readonly { readonly done: boolean; readonly pollSeconds: number; readonly doneAt?: string }[],
  noun: string,
): KindSummary {
  const pending = items.filter((item) => !item.done);
  const doneTimes = items.map((item) => item.doneAt).filter((at): at is string => at !== undefined);
  const completedAt =
    pending.length === 0 ? (doneTimes.sort().at(-1) ?? new Date().toISOString()) : undefined;
  return {
    kind,
    action,
    done: pending.length === 0,
    waitSeconds: pending.length === 0 ? 0 : Math.max(1, Math.min(...pending.map((item) => item.pollSeconds))),
    total: items.length,
    pending: pending.length,
    ...(completedAt !== undefined ? { completedAt } : {}),
    message:
      pending.length === 0
        ? `${items.length} ${noun}`
        : `${items.length - pending.length} of ${items.length} ${noun}`,
  };
}
