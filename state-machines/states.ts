import { functionArnVariable } from '../functions/kinds/kind-definition.js';
import type { Kind } from '../functions/kinds/registry.js';
import { RETRY_POLICY, TASK_TIMEOUT_SECONDS, type Retrier } from './policies.js';

/**
 * The states the workflow builder (state-machines/workflow-builder.ts) assembles: a Task with
 * the one retry and catch policy, the Pass that records a failed step, and each kind's branches
 * (its gate loop, its change loop, its read-back).
 */

/** One state of an ASL definition, as JSON. */
export type AslState = Record<string, unknown>;

const arn = (functionId: string): string => `\${${functionArnVariable(functionId)}}`;

interface TaskOptions {
  readonly comment?: string;
  readonly resultPath?: string | null;
  readonly next?: string;
  readonly end?: boolean;
  /** Where a failure goes, and where it is kept; absent inside Parallel branches (the Parallel catches). */
  readonly catch?: { readonly next: string; readonly resultPath: string };
  readonly extraRetry?: readonly Retrier[];
}

export function task(
  functionId: string,
  parameters: Record<string, unknown>,
  options: TaskOptions,
): AslState {
  return {
    Type: 'Task',
    ...(options.comment !== undefined ? { Comment: options.comment } : {}),
    Resource: arn(functionId),
    Parameters: parameters,
    ...(options.resultPath !== undefined ? { ResultPath: options.resultPath } : {}),
    TimeoutSeconds: TASK_TIMEOUT_SECONDS,
    Retry: [...RETRY_POLICY, ...(options.extraRetry ?? [])],
    ...(options.catch !== undefined
      ? {
          Catch: [
            { ErrorEquals: ['States.ALL'], ResultPath: options.catch.resultPath, Next: options.catch.next },
          ],
        }
      : {}),
    ...(options.end === true ? { End: true } : { Next: options.next }),
  };
}

/** The Pass state that records which step failed, then goes on to the failure path. */
export const recordFailedStep = (step: string, next: string): AslState => ({
  Type: 'Pass',
  Comment: `Records that '${step}' failed, for the failure notification.`,
  Result: step,
  ResultPath: '$.failedStep',
  Next: next,
});

const kindRetry = (kind: Kind): Retrier[] =>
  (kind.extraRetry ?? []).map((retry) => ({
    ErrorEquals: retry.errors,
    IntervalSeconds: retry.intervalSeconds,
    MaxAttempts: retry.maxAttempts,
    BackoffRate: retry.backoffRate,
  }));

/**
 * A kind's step input. The changing actions also carry the lock's fencing token (its version when
 * this execution took it), which the step checks against the lock item before it changes
 * anything: an execution that no longer holds the lock (stopped, timed out, redriven after another
 * took over) stops there (functions/kinds/kind-step.ts).
 */
const LOCK_CHECKED_ACTIONS: ReadonlySet<string> = new Set(['start', 'check', 'prewarm', 'unwarm']);
const kindParameters = (action: string, from: 'step inputs' | 'state' = 'step inputs') => {
  const [dryRun, triggerKind, lockVersion] =
    from === 'step inputs'
      ? ['$.dryRun', '$.triggerKind', '$.lockVersion']
      : ['$.trigger.dryRun', '$.trigger.kind', '$.lock.version'];
  return {
    action,
    'executionId.$': '$$.Execution.Id',
    'dryRun.$': dryRun,
    'triggerKind.$': triggerKind,
    ...(LOCK_CHECKED_ACTIONS.has(action) ? { 'lockVersion.$': lockVersion } : {}),
  };
};

/** A kind's gate loop: look, and while not done, wait and look again. Read-only. */
export function gateBranch(kind: Kind): AslState {
  const { gate, gateWait, gatePassed } = kind.states;
  if (gate === undefined || gateWait === undefined || gatePassed === undefined)
    throw new Error(`kind ${kind.id} has a gate but does not name its gate states`);
  const passed = `${gate} Passed`;
  return {
    StartAt: gate,
    States: {
      [gate]: task(kind.id, kindParameters('gate'), {
        comment: `Read-only: every ${kind.noun.replace(/s$/, '')} of the plan in one invocation.`,
        resultPath: '$.summary',
        next: gatePassed,
        extraRetry: kindRetry(kind),
      }),
      [gatePassed]: {
        Type: 'Choice',
        Choices: [{ Variable: '$.summary.done', BooleanEquals: true, Next: passed }],
        Default: gateWait,
      },
      [gateWait]: { Type: 'Wait', SecondsPath: '$.summary.waitSeconds', Next: gate },
      [passed]: { Type: 'Pass', OutputPath: '$.summary', End: true },
    },
  };
}

/** A kind's change loop: start every item, then poll every pending item until all are done. */
export function changeBranch(kind: Kind): AslState {
  const { start, check, wait, doneChoice, done } = kind.states;
  return {
    StartAt: start,
    States: {
      [start]: task(kind.id, kindParameters('start'), {
        comment: `Idempotent: starts every ${kind.noun.replace(/s$/, '')} of the plan, a few at a time.`,
        resultPath: '$.summary',
        next: doneChoice,
        extraRetry: kindRetry(kind),
      }),
      [doneChoice]: {
        Type: 'Choice',
        Choices: [{ Variable: '$.summary.done', BooleanEquals: true, Next: done }],
        Default: wait,
      },
      [wait]: { Type: 'Wait', SecondsPath: '$.summary.waitSeconds', Next: check },
      [check]: task(kind.id, kindParameters('check'), {
        comment: `Polls every ${kind.noun.replace(/s$/, '')} still under way in one invocation.`,
        resultPath: '$.summary',
        next: doneChoice,
        extraRetry: kindRetry(kind),
      }),
      [done]: { Type: 'Pass', OutputPath: '$.summary', End: true },
    },
  };
}

/** Reads back one kind from AWS for the failure notice; a read-back that fails only says so. */
export function readBackBranch(kind: Kind): AslState {
  return {
    StartAt: kind.states.readBack,
    States: {
      [kind.states.readBack]: task(
        kind.id,
        // Read-only whatever the run; the notice reads what this records.
        { action: 'read-back', 'executionId.$': '$$.Execution.Id', dryRun: false },
        { catch: { next: kind.states.readBackFailed, resultPath: '$.failure' }, end: true },
      ),
      [kind.states.readBackFailed]: { Type: 'Pass', End: true },
    },
  };
}

/**
 * A reversible kind's prewarm (start the change early) or unwarm (undo it) branch: one Task for
 * every resource of the kind, best effort. A failure is caught in the branch, so that it never
 * stops another kind's branch nor the failover: the branch then ends with the kind, the action
 * and the error, which the final notice reports.
 */
export function reversibleBranch(kind: Kind, action: 'prewarm' | 'unwarm'): AslState {
  const [run, failed] =
    action === 'prewarm'
      ? [kind.states.prewarm, kind.states.prewarmFailed]
      : [kind.states.unwarm, kind.states.unwarmFailed];
  if (kind.reversible !== true || run === undefined || failed === undefined)
    throw new Error(`kind ${kind.id} is not reversible or does not name its ${action} states`);
  return {
    StartAt: run,
    States: {
      // The branch gets the whole (small) state: Prewarm and Undo Prewarm run before Select Step
      // Inputs, and a Parallel state's Parameters, which AWS allows, fail cfn-lint 1.51 (E3601).
      [run]: task(kind.id, kindParameters(action, 'state'), {
        comment:
          action === 'prewarm'
            ? `Best effort: starts the change of every ${kind.noun.replace(/s$/, '')} early, recording what to come back to.`
            : `Best effort: brings back what the prewarm changed, to the capacity recorded before it.`,
        catch: { next: failed, resultPath: '$.failure' },
        extraRetry: kindRetry(kind),
        end: true,
      }),
      [failed]: {
        Type: 'Pass',
        Parameters: { kind: kind.id, action, done: false, 'failure.$': '$.failure' },
        End: true,
      },
    },
  };
}

/**
 * A fencing kind's branch of `Fence Old Region` (state-machines/fence-states.ts): one Task for
 * every resource of the kind, best effort. A failure is caught in the branch, which then ends
 * with the kind, the action and the error for the success notice.
 */
export function fenceBranch(kind: Kind): AslState {
  const { fence, fenceFailed } = kind.states;
  if (kind.fences === undefined || fence === undefined || fenceFailed === undefined)
    throw new Error(`kind ${kind.id} does not fence or does not name its fence states`);
  return {
    StartAt: fence,
    States: {
      [fence]: task(kind.id, kindParameters('fence'), {
        comment: `Best effort: fences every ${kind.noun.replace(/s$/, '')} of the plan in the old region (${kind.fences}).`,
        catch: { next: fenceFailed, resultPath: '$.failure' },
        extraRetry: kindRetry(kind),
        end: true,
      }),
      [fenceFailed]: {
        Type: 'Pass',
        Parameters: { kind: kind.id, action: 'fence', done: false, 'failure.$': '$.failure' },
        End: true,
      },
    },
  };
}
