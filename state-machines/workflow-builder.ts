import type { Plan } from '../functions/common/plan.js';
import {
  failedStateName,
  FAIL_ERRORS,
  LOCK_DECISIONS,
  PHASES,
  readBackStateName,
  STATES,
  TRIGGER_DECISIONS,
  type Direction,
  type Phase,
} from '../functions/common/vocabulary.js';
import { KINDS, type Kind } from '../functions/kinds/registry.js';
import { approvalSeconds, approvalStates } from './approval-states.js';
import { fenceStates, fencingKinds } from './fence-states.js';
import { buildFailbackWorkflow } from './failback-builder.js';
import { EXECUTION_MARGIN_SECONDS, WAIT_FOR_IN_FLIGHT_SECONDS } from './policies.js';
import {
  changeBranch,
  gateBranch,
  readBackBranch,
  recordFailedStep,
  reversibleBranch,
  task,
  type AslState,
} from './states.js';

/**
 * Builds the workflow definition (Amazon States Language, JSONPath) for a plan from the kind
 * registry. CDK deploys what this returns and the local engine runs the same: one retry and
 * one catch policy on every Task, every name from functions/common/vocabulary.ts or a kind's
 * `states`, one branch per kind the plan uses (a kind absent from the plan leaves no trace).
 * Lambda ARNs are `${<Id>FunctionArn}` placeholders, substituted by CDK
 * (DefinitionSubstitutions) and by the local engine alike.
 */

export type { AslState };
export interface AslDefinition {
  readonly Comment: string;
  readonly StartAt: string;
  readonly TimeoutSeconds: number;
  readonly States: Record<string, AslState>;
}

/** The workflow's own functions (the kinds' functions are named by their ids). */
export const WORKFLOW_FUNCTIONS = ['validate-trigger', 'failover-lock', 'confirm-outage', 'notify'] as const;
export type WorkflowFunctionId = (typeof WORKFLOW_FUNCTIONS)[number];

/** The kinds this plan uses, in registry order. */
export const kindsInPlan = (plan: Plan): Kind[] =>
  KINDS.filter((kind) => (plan[kind.planKey] as readonly unknown[]).length > 0);

/** Every function the plan's definition invokes: the workflow's own, then one per kind used. */
export function workflowFunctionIds(plan: Plan): string[] {
  return [...WORKFLOW_FUNCTIONS, ...kindsInPlan(plan).map((kind) => kind.id)];
}

/**
 * The execution's limit: the confirm window, then the longest gate, the approval's wait and the
 * longest change of each phase (the kinds' own timeouts), and a margin. A kind's timeout ends in a failure notice;
 * the execution's would end with none, so it must come last.
 */
export function executionTimeoutSeconds(plan: Plan): number {
  const budgets = kindsInPlan(plan).map((kind) => ({
    kind,
    ...(kind.budgetSeconds as (items: readonly unknown[]) => { gate: number; change: number })(
      plan[kind.planKey] as readonly unknown[],
    ),
  }));
  const longest = (values: number[]) => Math.max(0, ...values);
  return (
    plan.triggers.confirmSeconds +
    longest(budgets.map((budget) => budget.gate)) +
    approvalSeconds(plan) +
    longest(budgets.filter((budget) => budget.kind.phase === PHASES.recover).map((budget) => budget.change)) +
    longest(budgets.filter((budget) => budget.kind.phase === PHASES.route).map((budget) => budget.change)) +
    EXECUTION_MARGIN_SECONDS
  );
}

/** The kinds a plan's run starts early (`prewarm: true`): its reversible kinds, in registry order. */
export const prewarmedKinds = (plan: Plan): Kind[] =>
  plan.prewarm ? kindsInPlan(plan).filter((kind) => kind.reversible === true) : [];

/**
 * What every kind's step needs besides the execution id: the run's mode, whether it is planned
 * (a drill) or unplanned (an alarm), and the lock's fencing token. Nothing else travels.
 */
const STEP_INPUTS = {
  'dryRun.$': '$.trigger.dryRun',
  'triggerKind.$': '$.trigger.kind',
  'lockVersion.$': '$.lock.version',
} as const;

/**
 * Prewarm (plan `prewarm: true`): right after the lock is taken, a live run starts the
 * reversible kinds' change, so that it runs during the confirm window and the gate. Best effort:
 * each kind's failure is caught in its branch and the run goes on. Every path that then ends
 * without a failover change goes through `Anything Prewarmed?`, which undoes it before the final
 * notice (the undo is best effort too, and refused by a stale execution: kind-step.ts).
 */
function prewarmStates(kinds: readonly Kind[], failurePath: string): Record<string, AslState> {
  const parallel = (action: 'prewarm' | 'unwarm', next: string, comment: string): AslState => ({
    Type: 'Parallel',
    Comment: comment,
    Branches: kinds.map((kind) => reversibleBranch(kind, action)),
    ResultPath: action === 'prewarm' ? '$.prewarm' : '$.unwarm',
    Catch: [
      {
        ErrorEquals: ['States.ALL'],
        ResultPath: action === 'prewarm' ? '$.prewarmFailure' : '$.unwarmFailure',
        Next: next,
      },
    ],
    Next: next,
  });
  return {
    [STATES.prewarmLiveRun]: {
      Type: 'Choice',
      Comment: 'A dry run changes nothing, so it prewarms nothing.',
      Choices: [{ Variable: '$.trigger.dryRun', BooleanEquals: false, Next: STATES.prewarm }],
      Default: STATES.needsConfirmation,
    },
    [STATES.prewarm]: parallel(
      'prewarm',
      STATES.needsConfirmation,
      'Reversible changes (capacity up) start now, while the outage is confirmed and the gate runs; each kind records the capacity before, write-once, so its Start later finds them under way and changes nothing more. A failure here is kept at $.prewarm (or $.prewarmFailure) and never stops the failover.',
    ),
    [STATES.anythingPrewarmed]: {
      Type: 'Choice',
      Comment: 'Every path that ends without a failover change passes here: undo what the prewarm started.',
      Choices: [
        {
          Or: [
            { Variable: '$.prewarm', IsPresent: true },
            { Variable: '$.prewarmFailure', IsPresent: true },
          ],
          Next: STATES.undoPrewarm,
        },
      ],
      Default: STATES.abortedOrFailed,
    },
    [STATES.undoPrewarm]: parallel(
      'unwarm',
      STATES.abortedOrFailed,
      'No failover after all: each reversible kind goes back to the capacity recorded before the prewarm, only where the prewarm raised it and nobody changed it since. Kept at $.unwarm (or $.unwarmFailure) for the final notice.',
    ),
    [STATES.abortedOrFailed]: {
      Type: 'Choice',
      Choices: [{ Variable: '$.failedStep', IsPresent: true, Next: failurePath }],
      Default: STATES.notifyAborted,
    },
  };
}

interface PhaseSpec {
  readonly name: string;
  readonly resultPath: string;
  readonly kinds: readonly Kind[];
  readonly branch: (kind: Kind) => AslState;
  /** The phase changes resources: a failure waits out functions still running in other branches. */
  readonly mutates: boolean;
  readonly comment: string;
}

/**
 * Builds the workflow definition for `plan` in `direction`: the failover here, the failback in
 * state-machines/failback-builder.ts (the same kinds, each kind's failback counterpart).
 * @throws FailbackPlanError for a failback of a plan that cannot fail back
 */
export function buildWorkflow(plan: Plan, direction: Direction = 'failover'): AslDefinition {
  if (direction === 'failback') return buildFailbackWorkflow(plan);
  const kinds = kindsInPlan(plan);
  const inPhase = (phase: Phase) => kinds.filter((kind) => kind.phase === phase);
  const phases: PhaseSpec[] = [
    {
      name: STATES.gate,
      resultPath: '$.gate',
      kinds: kinds.filter((kind) => kind.hasGate),
      branch: gateBranch,
      mutates: false,
      comment:
        'Read-only, before any change: every kind with a gate checks every resource (RPO: replica lag). One over its threshold stops the whole failover while nothing has changed.',
    },
    {
      name: STATES.recover,
      resultPath: '$.recover',
      kinds: inPhase(PHASES.recover),
      branch: changeBranch,
      mutates: true,
      comment:
        'Data and compute fail over side by side: one branch per kind, each polling all its resources per look.',
    },
    {
      name: STATES.route,
      resultPath: '$.route',
      kinds: inPhase(PHASES.route),
      branch: changeBranch,
      mutates: true,
      comment: 'Traffic and configuration follow once data and compute are ready.',
    },
  ].filter((phase) => phase.kinds.length > 0);

  // Issue 10: the old region is fenced after the last change, before the success notice.
  const fencing = fencingKinds(plan, kinds);
  const afterChanges = fencing.length > 0 ? STATES.fenceOldRegion : STATES.notifySucceeded;
  const readBackPhases = [inPhase(PHASES.recover), inPhase(PHASES.route)].filter((list) => list.length > 0);
  const readBackNames = readBackPhases.map((_list, i) => readBackStateName(i));
  const failurePath = readBackNames[0] ?? STATES.notifyFailed;
  // The optional approval (state-machines/approval-states.ts) sits before the first change.
  const firstChange = phases.find((phase) => phase.mutates)?.name ?? afterChanges;
  const entering = (name: string): string =>
    name === firstChange && plan.approval !== undefined ? STATES.needsApproval : name;
  const prewarmed = prewarmedKinds(plan);
  /** Where a run goes that ends before any failover change: undo the prewarm first, if there is one. */
  const beforeAnyChange = prewarmed.length > 0 ? STATES.anythingPrewarmed : undefined;

  const states: Record<string, AslState> = {
    [STATES.validateTrigger]: task(
      'validate-trigger',
      {
        'event.$': '$',
        'executionId.$': '$$.Execution.Id',
        'executionStartedAt.$': '$$.Execution.StartTime',
      },
      {
        comment:
          'Parses the alarm event or drill request against the deployed plan. Its output replaces the state: {trigger, decision, message} (the event itself is not carried on).',
        catch: { next: failedStateName(STATES.validateTrigger), resultPath: '$.failure' },
        next: STATES.isEventForThisPlan,
      },
    ),
    [failedStateName(STATES.validateTrigger)]: recordFailedStep(STATES.validateTrigger, failurePath),
    [STATES.isEventForThisPlan]: {
      Type: 'Choice',
      Choices: [
        { Variable: '$.decision', StringEquals: TRIGGER_DECISIONS.ignore, Next: STATES.eventIgnored },
      ],
      Default: STATES.acquireLock,
    },
    [STATES.eventIgnored]: {
      Type: 'Succeed',
      Comment:
        'Not an alarm of this plan entering ALARM: nothing was changed, nobody is paged. $.message says why.',
    },
    [STATES.acquireLock]: task(
      'failover-lock',
      { action: 'acquire', 'trigger.$': '$.trigger', 'executionId.$': '$$.Execution.Id' },
      {
        comment:
          "One failover per plan at a time: a conditional write on the plan's lock item (DynamoDB, recovery region), before the confirm window so that duplicates end within seconds. $.lock.decision: acquired, duplicate or refused (within the plan's minimum interval: notified).",
        resultPath: '$.lock',
        catch: { next: failedStateName(STATES.acquireLock), resultPath: '$.failure' },
        next: STATES.lockAcquired,
      },
    ),
    [failedStateName(STATES.acquireLock)]: recordFailedStep(STATES.acquireLock, failurePath),
    [STATES.lockAcquired]: {
      Type: 'Choice',
      Choices: [
        {
          Variable: '$.lock.decision',
          StringEquals: LOCK_DECISIONS.acquired,
          Next: prewarmed.length > 0 ? STATES.prewarmLiveRun : STATES.needsConfirmation,
        },
        { Variable: '$.lock.decision', StringEquals: LOCK_DECISIONS.refused, Next: STATES.failoverRefused },
      ],
      Default: STATES.duplicateIgnored,
    },
    [STATES.duplicateIgnored]: {
      Type: 'Pass',
      Comment:
        'Another execution of this plan is running, or already handled this very event: nothing was changed, nobody is paged. $.message says which execution.',
      Parameters: {
        decision: LOCK_DECISIONS.duplicate,
        'message.$': '$.lock.message',
        'trigger.$': '$.trigger',
        'lock.$': '$.lock',
      },
      End: true,
    },
    [STATES.failoverRefused]: {
      Type: 'Fail',
      Comment:
        "Within the plan's minimum interval since the last failover started: nothing was changed; Acquire Lock notified why and until when.",
      Error: FAIL_ERRORS.refused,
      CausePath: '$.lock.message',
    },
    [STATES.needsConfirmation]: {
      Type: 'Choice',
      Choices: [
        { Variable: '$.trigger.confirmSeconds', NumericGreaterThan: 0, Next: STATES.waitConfirmWindow },
      ],
      Default: STATES.recordFailoverStart,
    },
    [STATES.waitConfirmWindow]: {
      Type: 'Wait',
      Comment: 'Flap damping: an alarm that recovers within the window aborts the failover.',
      SecondsPath: '$.trigger.confirmSeconds',
      Next: STATES.confirmOutage,
    },
    [STATES.confirmOutage]: task(
      'confirm-outage',
      { 'trigger.$': '$.trigger', 'lock.$': '$.lock' },
      {
        comment:
          'Re-checks the trigger alarm and every plan alarm that fired while this execution held the lock (recorded on the lock item): confirmed if any is not back to OK.',
        resultPath: '$.confirmation',
        catch: { next: failedStateName(STATES.confirmOutage), resultPath: '$.failure' },
        next: STATES.outageConfirmed,
      },
    ),
    [failedStateName(STATES.confirmOutage)]: recordFailedStep(
      STATES.confirmOutage,
      beforeAnyChange ?? failurePath,
    ),
    [STATES.outageConfirmed]: {
      Type: 'Choice',
      Choices: [
        { Variable: '$.confirmation.confirmed', BooleanEquals: true, Next: STATES.recordFailoverStart },
      ],
      Default: beforeAnyChange ?? STATES.notifyAborted,
    },
    [STATES.notifyAborted]: task(
      'notify',
      { kind: 'aborted', 'executionId.$': '$$.Execution.Id', 'state.$': '$' },
      {
        resultPath: '$.notified',
        catch: { next: STATES.releaseLockAfterAbort, resultPath: '$.failure' },
        next: STATES.releaseLockAfterAbort,
      },
    ),
    [STATES.releaseLockAfterAbort]: task(
      'failover-lock',
      { action: 'release', 'lock.$': '$.lock' },
      {
        comment:
          'Best effort, after the notification: a failure is kept at $.lockReleaseFailure; a lock left behind is reclaimed by the next execution, whose holder check finds this one no longer running.',
        resultPath: '$.lockRelease',
        catch: { next: STATES.failoverAborted, resultPath: '$.lockReleaseFailure' },
        next: STATES.failoverAborted,
      },
    ),
    [STATES.failoverAborted]: {
      Type: 'Fail',
      Error: FAIL_ERRORS.aborted,
      Cause:
        plan.approval !== undefined
          ? `Nothing was ${prewarmed.length > 0 ? 'failed over (the prewarm was undone)' : 'changed'}: the alarm was no longer in ALARM after the confirm window, or the approval was declined or not given in time ($.approval says which).`
          : prewarmed.length > 0
            ? 'The alarm was no longer in ALARM after the confirm window; nothing was failed over, and the prewarm was undone (the notice says how).'
            : 'The alarm was no longer in ALARM after the confirm window; nothing was changed.',
    },
    [STATES.recordFailoverStart]: task(
      'failover-lock',
      { action: 'record-start', 'lock.$': '$.lock' },
      {
        comment:
          "The outage is confirmed and the first change is next: record this live failover's start on the lock item. Conditioned on still holding the lock, so an execution that lost it stops before changing anything.",
        resultPath: '$.lock',
        catch: { next: failedStateName(STATES.recordFailoverStart), resultPath: '$.failure' },
        next: STATES.notifyStarted,
      },
    ),
    [failedStateName(STATES.recordFailoverStart)]: recordFailedStep(
      STATES.recordFailoverStart,
      beforeAnyChange ?? failurePath,
    ),
    [STATES.notifyStarted]: task(
      'notify',
      { kind: 'started', 'executionId.$': '$$.Execution.Id', 'state.$': '$' },
      {
        comment:
          'A STARTED message that cannot be sent does not stop the failover of a real outage: the error is kept at $.notifyStartedFailure and the final message reports it.',
        resultPath: '$.notified',
        catch: { next: STATES.selectStepInputs, resultPath: '$.notifyStartedFailure' },
        next: STATES.selectStepInputs,
      },
    ),
    [STATES.selectStepInputs]: {
      Type: 'Pass',
      Comment:
        "What every kind's step needs besides the execution id: the run's mode, whether it is planned (a drill) or unplanned (an alarm), and the lock's fencing token. Nothing else travels.",
      Parameters: STEP_INPUTS,
      ResultPath: '$.stepInputs',
      Next: entering(phases[0]?.name ?? afterChanges),
    },
    ...approvalStates(plan, {
      next: firstChange,
      abortPath: beforeAnyChange ?? STATES.notifyAborted,
      failurePath,
    }),
  };

  phases.forEach((phase, i) => {
    const failed = failedStateName(phase.name);
    const parallelBranches = phase.kinds.length > 1;
    states[phase.name] = {
      Type: 'Parallel',
      Comment: phase.comment,
      InputPath: '$.stepInputs',
      Branches: phase.kinds.map(phase.branch),
      ResultPath: phase.resultPath,
      Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.failure', Next: failed }],
      Next: entering(phases[i + 1]?.name ?? afterChanges),
    };
    states[failed] = recordFailedStep(
      phase.name,
      phase.mutates
        ? parallelBranches
          ? STATES.waitForInFlightSteps
          : failurePath
        : (beforeAnyChange ?? failurePath),
    );
  });
  if (prewarmed.length > 0) Object.assign(states, prewarmStates(prewarmed, failurePath));
  if (fencing.length > 0) Object.assign(states, fenceStates(fencing, STATES.notifySucceeded));
  if (phases.some((phase) => phase.mutates && phase.kinds.length > 1)) {
    states[STATES.waitForInFlightSteps] = {
      Type: 'Wait',
      Comment:
        "A failed branch stops the Parallel, but a Lambda already running in another branch cannot be stopped: wait out the functions' timeout (the construct caps it at this wait) so that the read-back sees a settled state.",
      Seconds: WAIT_FOR_IN_FLIGHT_SECONDS,
      Next: failurePath,
    };
  }

  readBackPhases.forEach((list, i) => {
    states[readBackNames[i] as string] = {
      Type: 'Parallel',
      Comment:
        'Before the failure notice: each kind reads its resources back from AWS (read-only) into the failover record, so the notice says what really was and was not done. Data first, then what routes to it.',
      Branches: list.map(readBackBranch),
      ResultPath: null,
      Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.readBackFailure', Next: STATES.notifyFailed }],
      Next: readBackNames[i + 1] ?? STATES.notifyFailed,
    };
  });

  Object.assign(states, {
    [STATES.notifySucceeded]: task(
      'notify',
      { kind: 'succeeded', 'executionId.$': '$$.Execution.Id', 'state.$': '$' },
      {
        resultPath: '$.notified',
        catch: { next: failedStateName(STATES.notifySucceeded), resultPath: '$.failure' },
        next: STATES.releaseLockAfterSuccess,
      },
    ),
    [failedStateName(STATES.notifySucceeded)]: {
      Type: 'Pass',
      Comment:
        'Failover is done but the success message could not be sent: fail the execution so that it is seen.',
      Result: STATES.notifySucceeded,
      ResultPath: '$.failedStep',
      Next: STATES.lockHeldAfterFailure,
    },
    [STATES.releaseLockAfterSuccess]: task(
      'failover-lock',
      { action: 'release', 'lock.$': '$.lock' },
      {
        comment:
          'Best effort, after the notification: a failure is kept at $.lockReleaseFailure and the failover still succeeds.',
        resultPath: '$.lockRelease',
        catch: { next: STATES.failoverSucceeded, resultPath: '$.lockReleaseFailure' },
        next: STATES.failoverSucceeded,
      },
    ),
    [STATES.failoverSucceeded]: { Type: 'Succeed' },
    [STATES.notifyFailed]: task(
      'notify',
      { kind: 'failed', 'executionId.$': '$$.Execution.Id', 'state.$': '$' },
      {
        comment: 'The failed step, its error, and what was and was not done (from the read-back).',
        resultPath: '$.notified',
        catch: { next: STATES.lockHeldAfterFailure, resultPath: '$.notifyFailure' },
        next: STATES.lockHeldAfterFailure,
      },
    ),
    [STATES.lockHeldAfterFailure]: {
      Type: 'Choice',
      Choices: [{ Variable: '$.lock', IsPresent: true, Next: STATES.releaseLockAfterFailure }],
      Default: STATES.failoverFailed,
    },
    [STATES.releaseLockAfterFailure]: task(
      'failover-lock',
      { action: 'release', 'lock.$': '$.lock' },
      {
        resultPath: '$.lockRelease',
        catch: { next: STATES.failoverFailed, resultPath: '$.lockReleaseFailure' },
        next: STATES.failoverFailed,
      },
    ),
    [STATES.failoverFailed]: { Type: 'Fail', ErrorPath: '$.failure.Error', CausePath: '$.failure.Cause' },
  });

  return {
    Comment: `failover-orchestrator: fail plan ${plan.name} over to ${plan.recoveryRegion}. Built by state-machines/workflow-builder.ts from the plan and the kind registry; JSONPath only. \${...} are Lambda ARNs substituted by CDK and by the local engine.`,
    StartAt: STATES.validateTrigger,
    TimeoutSeconds: executionTimeoutSeconds(plan),
    States: states,
  };
}
