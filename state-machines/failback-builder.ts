import type { Plan } from '../functions/common/plan.js';
import { FAILBACK_KINDS, FAILBACK_STEPS } from '../functions/failback/steps.js';
import { KINDS, type Kind } from '../functions/kinds/registry.js';
import { EXECUTION_MARGIN_SECONDS } from './policies.js';
import { task, type AslState } from './states.js';

/**
 * The failback workflow (issue 10): the way home after a failover, built from the plan and the
 * kinds' failback counterparts (direction `failback`). Refusals (no failover to undo, the lock
 * held, fencing pending, lag not settled) change nothing and end in FailbackRefused with a notice;
 * every failure reads back, unfreezes writes if they were frozen, and ends in one failure notice.
 *
 * Find Failover Record → Acquire Lock → Notify Started → Verify Fencing → Re-protect Home ⟲ →
 * Failback Gate ⟲ → Freeze Writes → Drain Writes → Promote Home ⟲ (one more lag look first) →
 * Route Back → Scale Back ⟲ → Re-protect Recovery ⟲ → Unfreeze Writes → Close Fencing →
 * Notify Succeeded → Release Lock → Failback Succeeded.
 */

export const FAILBACK_STATES = {
  findFailover: 'Find Failover Record',
  failoverFound: 'Failover Found?',
  noFailover: 'No Failover To Undo',
  acquireLock: 'Acquire Failback Lock',
  lockAcquired: 'Failback Lock Acquired?',
  lockBusy: 'Lock Held Elsewhere',
  notifyStarted: 'Notify Failback Started',
  stepInputs: 'Failback Step Inputs',
  verifyFencing: 'Verify Fencing',
  fenced: 'Old Region Fenced?',
  notFenced: 'Fencing Pending',
  freeze: 'Freeze Writes',
  drain: 'Drain Writes',
  unfreeze: 'Unfreeze Writes',
  close: 'Close Fencing',
  notifySucceeded: 'Notify Failback Succeeded',
  releaseAfterSuccess: 'Release Lock After Failback',
  succeeded: 'Failback Succeeded',
  gateRefused: 'Lag Not Settled',
  unfreezeAfterFailure: 'Unfreeze After Failure',
  readBack: 'Read Back Failback',
  notifyRefused: 'Notify Failback Refused',
  releaseAfterRefusal: 'Release Lock After Refusal',
  lockHeldAfterRefusal: 'Lock Held After Refusal?',
  refused: 'Failback Refused',
  notifyFailed: 'Notify Failback Failed',
  lockHeldAfterFailure: 'Lock Held After Failback Failure?',
  releaseAfterFailure: 'Release Lock After Failback Failure',
  failed: 'Failback Failed',
} as const;

export const FAILBACK_REFUSED_ERROR = 'FailbackRefused';
const S = FAILBACK_STATES;

export class FailbackPlanError extends Error {
  public constructor(message: string) {
    super(message);
    this.name = 'FailbackPlanError';
  }
}

/** What keeps a plan from failing back, one line; undefined when it can. */
export function failbackPlanProblem(plan: Plan): string | undefined {
  const used = KINDS.filter((kind) => (plan[kind.planKey] as readonly unknown[]).length > 0);
  const others = used.filter((kind) => !FAILBACK_KINDS.includes(kind.id)).map((kind) => kind.id);
  if (others.length > 0)
    return `plan ${plan.name} uses ${others.join(', ')}, which cannot fail back yet (failback supports ${FAILBACK_KINDS.join(', ')})`;
  const unnamed = plan.databases.filter((db) => db.primary === undefined).map((db) => db.replica);
  if (unnamed.length > 0)
    return `plan ${plan.name}: database(s) ${unnamed.join(', ')} name no primary (databases[].primary): the failback would not know the home instance`;
  return undefined;
}

const kindById = (id: string): Kind | undefined => KINDS.find((kind) => kind.id === id);

/** A kind's loop in the failback: one Task repeated until its summary says done. */
function loopBranch(kind: Kind, step: string, action: string, target?: 'home' | 'recovery'): AslState {
  const run = `${step}: ${kind.title}`;
  const doneChoice = `${run} Done?`;
  const wait = `${run} Wait`;
  const done = `${run} Done`;
  return {
    StartAt: run,
    States: {
      [run]: task(
        kind.id,
        {
          action,
          'executionId.$': '$$.Execution.Id',
          'dryRun.$': '$.dryRun',
          direction: 'failback',
          'lockVersion.$': '$.lockVersion',
          'failoverExecutionId.$': '$.failoverExecutionId',
          ...(target !== undefined ? { target } : {}),
        },
        { resultPath: '$.summary', next: doneChoice },
      ),
      [doneChoice]: {
        Type: 'Choice',
        Choices: [{ Variable: '$.summary.done', BooleanEquals: true, Next: done }],
        Default: wait,
      },
      [wait]: { Type: 'Wait', SecondsPath: '$.summary.waitSeconds', Next: run },
      [done]: { Type: 'Pass', OutputPath: '$.summary', End: true },
    },
  };
}

interface Phase {
  readonly name: string;
  readonly resultKey: string;
  readonly branches: readonly AslState[];
}

/** The changing phases, in order; a phase without a kind of the plan leaves no state. */
function phasesOf(plan: Plan): Phase[] {
  const rds = plan.databases.length > 0 ? kindById('rds-replica') : undefined;
  const ssm = plan.parameters.length > 0 ? kindById('ssm-parameter') : undefined;
  const asg = plan.scalingGroups.length > 0 ? kindById('auto-scaling-group') : undefined;
  const step = (name: string) => FAILBACK_STEPS.find((candidate) => candidate.name === name)!;
  const phase = (name: string, branches: (AslState | undefined)[]): Phase => ({
    name,
    resultKey: step(name).resultKey,
    branches: branches.filter((branch): branch is AslState => branch !== undefined),
  });
  return [
    phase('Re-protect Home', [rds && loopBranch(rds, 'Re-protect Home', 'reprotect', 'home')]),
    phase('Failback Gate', [rds && loopBranch(rds, 'Failback Gate', 'gate')]),
    phase('Promote Home', [rds && loopBranch(rds, 'Promote Home', 'start')]),
    phase('Route Back', [ssm && loopBranch(ssm, 'Route Back', 'start')]),
    phase('Scale Back', [asg && loopBranch(asg, 'Scale Back', 'start')]),
    phase('Re-protect Recovery', [rds && loopBranch(rds, 'Re-protect Recovery', 'reprotect', 'recovery')]),
  ].filter((candidate) => candidate.branches.length > 0);
}

const failbackTask = (parameters: Record<string, unknown>, options: Parameters<typeof task>[2]) =>
  task('failback', parameters, options);
/** A failback Task and the Pass recording its failure, which goes on to `onFailure`. */
function failbackStep(
  name: string,
  parameters: Record<string, unknown>,
  options: { resultPath: string; next: string; onFailure: string; comment?: string },
): Record<string, AslState> {
  const failed = `${name} Failed`;
  return {
    [name]: failbackTask(parameters, {
      ...(options.comment !== undefined ? { comment: options.comment } : {}),
      resultPath: options.resultPath,
      next: options.next,
      catch: { next: failed, resultPath: '$.failure' },
    }),
    [failed]: failedPass(name, options.onFailure),
  };
}
const lockTask = (action: string, next: string, resultPath: string, catchPath: string) =>
  task(
    'failover-lock',
    { action, 'lock.$': '$.lock' },
    { resultPath, next, catch: { next, resultPath: catchPath } },
  );
const failedPass = (step: string, next: string): AslState => ({
  Type: 'Pass',
  Result: step,
  ResultPath: '$.failedStep',
  Next: next,
});
const refusal = (why: string, next: string): AslState => ({
  Type: 'Pass',
  Parameters: { 'why.$': why },
  ResultPath: '$.refusal',
  Next: next,
});
const notifyTask = (kind: string, next: string, catchPath: string) =>
  failbackTask(
    { action: 'notify', kind, 'executionId.$': '$$.Execution.Id', 'state.$': '$' },
    { resultPath: '$.notified', next, catch: { next, resultPath: catchPath } },
  );

export function executionTimeoutSeconds(plan: Plan): number {
  const { replicaTimeoutSeconds, lagWaitSeconds, settleSeconds, drainSeconds } = plan.failback;
  const promotion = Math.max(0, ...plan.databases.map((db) => db.promotionTimeoutSeconds));
  const capacity = Math.max(0, ...plan.scalingGroups.map((group) => group.capacityTimeoutSeconds));
  return (
    2 * replicaTimeoutSeconds +
    2 * lagWaitSeconds +
    settleSeconds +
    drainSeconds +
    promotion +
    capacity +
    EXECUTION_MARGIN_SECONDS
  );
}

/** The failback definition for `plan`. @throws FailbackPlanError when the plan cannot fail back */
export function buildFailbackWorkflow(plan: Plan) {
  const problem = failbackPlanProblem(plan);
  if (problem !== undefined) throw new FailbackPlanError(problem);
  const phases = phasesOf(plan);
  const states: Record<string, AslState> = {};
  // Writes are frozen after the re-protection and the gate, just before the first switch.
  const beforeFreeze = phases.filter(
    (phase) => phase.name === 'Re-protect Home' || phase.name === 'Failback Gate',
  );
  const afterFreeze = phases.filter((phase) => !beforeFreeze.includes(phase));
  const order = [
    ...beforeFreeze.map((phase) => phase.name),
    S.freeze,
    ...afterFreeze.map((phase) => phase.name),
    S.unfreeze,
  ];
  const nextOf = (name: string): string => order[order.indexOf(name) + 1] ?? S.unfreeze;
  const frozenPhases = new Set(afterFreeze.map((phase) => phase.name));
  const firstChange = order[0] ?? S.freeze;

  Object.assign(states, {
    ...failbackStep(
      S.findFailover,
      {
        action: 'find-failover',
        'executionId.$': '$$.Execution.Id',
        'executionStartedAt.$': '$$.Execution.StartTime',
        'request.$': '$',
      },
      {
        comment:
          "The failover to undo: the lock item's lastFailoverExecution (none, or already failed back: refused).",
        resultPath: '$.failback',
        next: S.failoverFound,
        onFailure: S.notifyFailed,
      },
    ),
    [S.failoverFound]: {
      Type: 'Choice',
      Choices: [{ Variable: '$.failback.found', BooleanEquals: true, Next: S.acquireLock }],
      Default: S.noFailover,
    },
    [S.noFailover]: refusal('$.failback.message', S.notifyRefused),
    [S.acquireLock]: task(
      'failover-lock',
      { action: 'acquire', 'trigger.$': '$.failback.trigger', 'executionId.$': '$$.Execution.Id' },
      {
        comment:
          "The failover's lock: one failover or failback per plan at a time. A failback is a person's request (a drill trigger), so the minimum interval does not refuse it.",
        resultPath: '$.lock',
        next: S.lockAcquired,
        catch: { next: `${S.acquireLock} Failed`, resultPath: '$.failure' },
      },
    ),
    [`${S.acquireLock} Failed`]: failedPass(S.acquireLock, S.notifyFailed),
    [S.lockAcquired]: {
      Type: 'Choice',
      Choices: [{ Variable: '$.lock.decision', StringEquals: 'acquired', Next: S.stepInputs }],
      Default: S.lockBusy,
    },
    [S.lockBusy]: refusal('$.lock.message', S.notifyRefused),
    [S.notifyStarted]: notifyTask('started', firstChange, '$.notifyStartedFailure'),
    [S.stepInputs]: {
      Type: 'Pass',
      Parameters: {
        'dryRun.$': '$.failback.trigger.dryRun',
        'lockVersion.$': '$.lock.version',
        'failoverExecutionId.$': '$.failback.failoverExecutionId',
      },
      ResultPath: '$.stepInputs',
      Next: S.verifyFencing,
    },
    ...failbackStep(
      S.verifyFencing,
      { action: 'verify-fencing', 'failoverExecutionId.$': '$.failback.failoverExecutionId' },
      {
        comment:
          'Before the first write: every old-region resource fenced (the fencing records), else refused.',
        resultPath: '$.fencing',
        next: S.fenced,
        onFailure: S.readBack,
      },
    ),
    [S.fenced]: {
      Type: 'Choice',
      Choices: [{ Variable: '$.fencing.verified', BooleanEquals: true, Next: S.notifyStarted }],
      Default: S.notFenced,
    },
    [S.notFenced]: refusal('$.fencing.message', S.notifyRefused),
  });

  for (const phase of phases) {
    const failed = `${phase.name} Failed`;
    const frozen = frozenPhases.has(phase.name);
    states[phase.name] = {
      Type: 'Parallel',
      InputPath: '$.stepInputs',
      Branches: phase.branches,
      ResultPath: `$.${phase.resultKey}`,
      Catch: [
        // A refusal (lag not settled) changed nothing that needs undoing, but frozen writes are opened first.
        {
          ErrorEquals: ['FailbackRefusedError'],
          ResultPath: '$.failure',
          Next: frozen ? S.unfreezeAfterFailure : S.gateRefused,
        },
        { ErrorEquals: ['States.ALL'], ResultPath: '$.failure', Next: failed },
      ],
      Next: nextOf(phase.name),
    };
    states[failed] = failedPass(phase.name, frozen ? S.unfreezeAfterFailure : S.readBack);
  }

  Object.assign(states, {
    [S.gateRefused]: refusal('$.failure.Cause', S.notifyRefused),
    ...failbackStep(
      S.freeze,
      { action: 'freeze', 'dryRun.$': '$.stepInputs.dryRun' },
      {
        comment:
          'failback.freezeParameter to its frozen value in the recovery region: the application stops writing.',
        resultPath: '$.freeze',
        next: S.drain,
        onFailure: S.unfreezeAfterFailure,
      },
    ),
    [S.drain]: {
      Type: 'Wait',
      Comment: 'In-flight writes reach the home replica; Promote Home looks at its lag once more first.',
      Seconds: plan.failback.drainSeconds,
      Next: nextOf(S.freeze),
    },
    ...failbackStep(
      S.unfreeze,
      { action: 'unfreeze', 'dryRun.$': '$.stepInputs.dryRun' },
      {
        resultPath: '$.unfreeze',
        next: S.close,
        onFailure: S.readBack,
      },
    ),
    ...failbackStep(
      S.close,
      {
        action: 'close',
        'executionId.$': '$$.Execution.Id',
        'failoverExecutionId.$': '$.failback.failoverExecutionId',
        'dryRun.$': '$.stepInputs.dryRun',
      },
      {
        resultPath: '$.closed',
        next: S.notifySucceeded,
        onFailure: S.readBack,
      },
    ),
    ...failbackStep(
      S.notifySucceeded,
      { action: 'notify', kind: 'succeeded', 'executionId.$': '$$.Execution.Id', 'state.$': '$' },
      {
        resultPath: '$.notified',
        next: S.releaseAfterSuccess,
        onFailure: S.lockHeldAfterFailure,
      },
    ),
    [S.releaseAfterSuccess]: lockTask('release', S.succeeded, '$.lockRelease', '$.lockReleaseFailure'),
    [S.succeeded]: { Type: 'Succeed' },
    [S.unfreezeAfterFailure]: failbackTask(
      { action: 'unfreeze', 'dryRun.$': '$.stepInputs.dryRun' },
      {
        comment: 'Best effort: writes frozen by this failback are opened again before the notice.',
        resultPath: '$.unfreezeAfterFailure',
        next: 'Refused Or Failed?',
        catch: { next: 'Refused Or Failed?', resultPath: '$.unfreezeFailure' },
      },
    ),
    'Refused Or Failed?': {
      Type: 'Choice',
      Choices: [{ Variable: '$.failure.Error', StringEquals: 'FailbackRefusedError', Next: S.gateRefused }],
      Default: S.readBack,
    },
    [S.readBack]: {
      Type: 'Parallel',
      Comment: 'Each kind reads back what the failback left, for the failure notice.',
      Branches: [
        ...(plan.databases.length > 0 ? ['rds-replica'] : []),
        ...(plan.parameters.length > 0 ? ['ssm-parameter'] : []),
        ...(plan.scalingGroups.length > 0 ? ['auto-scaling-group'] : []),
      ].map((id) => ({
        StartAt: `Read Back Failback: ${id}`,
        States: {
          [`Read Back Failback: ${id}`]: task(
            id,
            {
              action: 'read-back',
              'executionId.$': '$$.Execution.Id',
              dryRun: false,
              direction: 'failback',
              'failoverExecutionId.$': '$.stepInputs.failoverExecutionId',
            },
            { end: true },
          ),
        },
      })),
      ResultPath: null,
      Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.readBackFailure', Next: S.notifyFailed }],
      Next: S.notifyFailed,
    },
    [S.notifyRefused]: notifyTask('refused', S.lockHeldAfterRefusal, '$.notifyFailure'),
    [S.lockHeldAfterRefusal]: {
      Type: 'Choice',
      Choices: [
        {
          And: [
            { Variable: '$.lock', IsPresent: true },
            { Variable: '$.lock.decision', StringEquals: 'acquired' },
          ],
          Next: S.releaseAfterRefusal,
        },
      ],
      Default: S.refused,
    },
    [S.releaseAfterRefusal]: lockTask('release', S.refused, '$.lockRelease', '$.lockReleaseFailure'),
    [S.refused]: { Type: 'Fail', Error: FAILBACK_REFUSED_ERROR, CausePath: '$.refusal.why' },
    [S.notifyFailed]: notifyTask('failed', S.lockHeldAfterFailure, '$.notifyFailure'),
    [S.lockHeldAfterFailure]: {
      Type: 'Choice',
      Choices: [
        {
          And: [
            { Variable: '$.lock', IsPresent: true },
            { Variable: '$.lock.decision', StringEquals: 'acquired' },
          ],
          Next: S.releaseAfterFailure,
        },
      ],
      Default: S.failed,
    },
    [S.releaseAfterFailure]: lockTask('release', S.failed, '$.lockRelease', '$.lockReleaseFailure'),
    [S.failed]: { Type: 'Fail', ErrorPath: '$.failure.Error', CausePath: '$.failure.Cause' },
  });

  return {
    Comment: `failover-orchestrator: fail plan ${plan.name} back to ${plan.primaryRegion}. Built by state-machines/failback-builder.ts; \${...} are Lambda ARNs substituted by CDK and by the local engine.`,
    StartAt: S.findFailover,
    TimeoutSeconds: executionTimeoutSeconds(plan),
    States: states,
  };
}
