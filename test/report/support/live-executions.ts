import type { HistoryEvent } from '@aws-sdk/client-sfn';
import type { Plan } from '../../../functions/common/plan.js';
import { STATES } from '../../../functions/common/vocabulary.js';
import type { Trigger, WorkflowState } from '../../../functions/common/workflow-state.js';
import type { KindSummary } from '../../../functions/kinds/kind-step.js';
import { buildWorkflow, type AslState } from '../../../state-machines/workflow-builder.js';
import { HistoryBuilder, lambdaCause } from './history-builder.js';

/**
 * Histories of live drills of the example plan, as GetExecutionHistory would return them for
 * the workflow `buildWorkflow(plan)` builds (Lambda tasks; a Parallel per phase with a branch
 * per kind, each kind polling all its resources per look), with the execution state each
 * state passes on. Every state name is checked against the built definition, so a renamed
 * state breaks these histories instead of leaving them describing a workflow that is gone.
 */

export const STATE_MACHINE_ARN = 'arn:aws:states:us-west-2:111111111111:stateMachine:shop-prod-failover';
export const executionArn = (name: string): string =>
  `arn:aws:states:us-west-2:111111111111:execution:shop-prod-failover:${name}`;
export const STARTED_AT = '2026-11-24T09:00:01.000Z';
export const TRIGGERED_AT = '2026-11-24T09:00:00.000Z';
export const LAG_EXCEEDED =
  'shop-db-replica lag 240s is above 30s after waiting 121s (lagWaitSeconds 120); onLagExceeded is abort, so nothing was promoted';

export interface LiveExecution {
  readonly executionArn: string;
  readonly events: readonly HistoryEvent[];
  /** The execution state at the end (the output when it succeeded). */
  readonly state: WorkflowState;
}

/** Every state name of the plan's definition, Parallel branches included. */
function stateNames(states: Readonly<Record<string, AslState>>): string[] {
  return Object.entries(states).flatMap(([name, state]) => [
    name,
    ...((state.Branches as { States: Record<string, AslState> }[] | undefined) ?? []).flatMap((branch) =>
      stateNames(branch.States),
    ),
  ]);
}

/** Returns `name` when the plan's built workflow has a state of that name; throws otherwise. */
function namesOf(plan: Plan): (name: string) => string {
  const known = new Set(stateNames(buildWorkflow(plan).States));
  return (name) => {
    if (!known.has(name)) throw new Error(`the workflow of ${plan.name} has no state "${name}"`);
    return name;
  };
}

export const drillTrigger = (name: string): Trigger => ({
  kind: 'drill',
  reason: 'Q4 game day',
  triggeredAt: TRIGGERED_AT,
  confirmSeconds: 0,
  dryRun: false,
  requestedBy: 'sre-oncall@example.com',
  executionId: executionArn(name),
});

const summary = (
  kind: string,
  action: KindSummary['action'],
  total: number,
  completedAt: string,
  extra: Partial<KindSummary> = {},
): KindSummary => ({
  kind,
  action,
  done: true,
  waitSeconds: 0,
  total,
  pending: 0,
  completedAt,
  message: `${total} done`,
  ...extra,
});

/**
 * The state a succeeded drill of the example plan ends with: the gate read 12 s of lag, the
 * replica was promoted at 09:06:10, the group ready at 09:04:40, the parameters repointed at
 * 09:06:30 (RTO 390 s from the request at 09:00:00).
 */
export function succeededDrillState(plan: Plan, name: string, lagSeconds = 12): WorkflowState {
  return {
    trigger: drillTrigger(name),
    decision: 'proceed',
    message: 'live drill requested by sre-oncall@example.com',
    gate: [
      summary('rds-replica', 'gate', plan.databases.length, '2026-11-24T09:00:03.000Z', {
        maxLagSeconds: lagSeconds,
      }),
    ],
    recover: [
      summary('rds-replica', 'check', plan.databases.length, '2026-11-24T09:06:10.000Z'),
      summary('auto-scaling-group', 'start', plan.scalingGroups.length, '2026-11-24T09:04:40.000Z'),
    ],
    route: [summary('ssm-parameter', 'start', plan.parameters.length, '2026-11-24T09:06:30.000Z')],
  };
}

function opening(builder: HistoryBuilder, plan: Plan, state: WorkflowState): HistoryBuilder {
  const name = namesOf(plan);
  const event = {
    source: 'failover.gameday',
    'detail-type': 'Failover Drill Requested',
    detail: { planName: plan.name },
  };
  const validated = { trigger: state.trigger, decision: 'proceed', message: state.message };
  return builder
    .started(event)
    .task(name(STATES.validateTrigger), { input: event, output: validated })
    .state('Choice', name(STATES.isEventForThisPlan), { input: validated })
    .task(name(STATES.acquireLock), { input: validated, output: validated, seconds: 0.2 })
    .state('Choice', name(STATES.lockAcquired), { input: validated })
    .state('Choice', name(STATES.needsConfirmation), { input: validated })
    .task(name(STATES.recordFailoverStart), { input: validated, output: validated, seconds: 0.1 })
    .task(name(STATES.notifyStarted), { input: validated, output: validated, seconds: 0.3 })
    .state('Pass', name(STATES.selectStepInputs), { input: validated });
}

/** The Gate Parallel's replica branch: one throttled look (retried), then through. */
function passGate(builder: HistoryBuilder, plan: Plan, state: WorkflowState): void {
  const name = namesOf(plan);
  const gate = builder.enter('Parallel', name(STATES.gate), state);
  builder
    .event('ParallelStateStarted')
    .task(name('Check Replica Lag'), {
      input: { action: 'gate' },
      output: { summary: state.gate?.[0] },
      retriedErrors: [{ error: 'Throttling', cause: 'Rate exceeded' }],
    })
    .state('Choice', name('Lag Within Threshold?'))
    .state('Pass', name('Check Replica Lag Passed'))
    .event('ParallelStateSucceeded');
  builder.exit('Parallel', name(STATES.gate), state, gate);
}

/** A drill that succeeds: one throttled lag look (retried), promotions polled twice, groups ready at once. */
export function succeededDrill(plan: Plan, name = 'gameday-shop-prod-20261124T090000Z'): LiveExecution {
  const state = succeededDrillState(plan, name);
  const named = namesOf(plan);
  const builder = opening(new HistoryBuilder(STARTED_AT, executionArn(name)), plan, state);
  passGate(builder, plan, state);
  const recover = builder.enter('Parallel', named(STATES.recover), state);
  builder
    .event('ParallelStateStarted')
    .task(named('Promote Replicas'), { input: { action: 'start' } })
    .state('Choice', named('All Replicas Promoted?'))
    .state('Wait', named('Wait For Promotions'), { seconds: 150 })
    .task(named('Check Promotions'), { input: { action: 'check' } })
    .state('Choice', named('All Replicas Promoted?'))
    .state('Wait', named('Wait For Promotions'), { seconds: 150 })
    .task(named('Check Promotions'), { input: { action: 'check' } })
    .state('Choice', named('All Replicas Promoted?'))
    .state('Pass', named('Replicas Promoted'))
    .task(named('Scale Recovery Groups'), { input: { action: 'start' } })
    .state('Choice', named('All Groups Ready?'))
    .state('Pass', named('Groups Scaled'))
    .event('ParallelStateSucceeded');
  builder.exit('Parallel', named(STATES.recover), state, recover);
  const route = builder.enter('Parallel', named(STATES.route), state);
  builder
    .event('ParallelStateStarted')
    .task(named('Repoint Parameters'), { input: { action: 'start' }, seconds: 0.4 })
    .state('Choice', named('All Parameters Repointed?'))
    .state('Pass', named('Parameters Repointed'))
    .event('ParallelStateSucceeded');
  builder.exit('Parallel', named(STATES.route), state, route);
  builder
    .task(named(STATES.notifySucceeded), { input: state, output: state })
    .task(named(STATES.releaseLockAfterSuccess), { input: state, output: state, seconds: 0.1 })
    .state('Succeed', named(STATES.failoverSucceeded), { input: state })
    .succeeded(state);
  return { executionArn: builder.arn, events: builder.events, state };
}

/** A drill stopped by the RPO gate: the look fails, the Gate's Catch reads back and notifies, the Fail state ends it. */
export function lagExceededDrill(plan: Plan, name = 'gameday-shop-prod-20261124T090000Z'): LiveExecution {
  const named = namesOf(plan);
  const cause = lambdaCause('ReplicaLagExceededError', LAG_EXCEEDED);
  const state: WorkflowState = {
    trigger: drillTrigger(name),
    decision: 'proceed',
    failure: { Error: 'ReplicaLagExceededError', Cause: cause },
    failedStep: STATES.gate,
  };
  const builder = opening(new HistoryBuilder(STARTED_AT, executionArn(name)), plan, state);
  const gate = builder.enter('Parallel', named(STATES.gate), state);
  builder
    .event('ParallelStateStarted')
    .task(named('Check Replica Lag'), {
      input: { action: 'gate' },
      failure: { error: 'ReplicaLagExceededError', cause, caught: false },
    })
    .event('ParallelStateFailed');
  builder.exit('Parallel', named(STATES.gate), state, gate);
  builder.state('Pass', named(`${STATES.gate} Failed`), { input: state });
  const readBack = builder.enter('Parallel', named(STATES.readBack), state);
  builder
    .task(named('Read Back Replicas'), { input: { action: 'read-back' } })
    .task(named('Read Back Groups'), { input: { action: 'read-back' } });
  builder.exit('Parallel', named(STATES.readBack), state, readBack);
  const readBack2 = builder.enter('Parallel', named(`${STATES.readBack} 2`), state);
  builder.task(named('Read Back Parameters'), { input: { action: 'read-back' } });
  builder.exit('Parallel', named(`${STATES.readBack} 2`), state, readBack2);
  builder
    .task(named(STATES.notifyFailed), { input: state, output: state })
    .state('Choice', named(STATES.lockHeldAfterFailure), { input: state })
    .task(named(STATES.releaseLockAfterFailure), { input: state, output: state })
    .failState(named(STATES.failoverFailed), state)
    .failed('ReplicaLagExceededError', cause);
  return { executionArn: builder.arn, events: builder.events, state };
}

/** Someone ran `aws stepfunctions stop-execution` while the promotions were being polled. */
export function stoppedDrill(plan: Plan, name = 'gameday-shop-prod-20261124T090000Z'): LiveExecution {
  const named = namesOf(plan);
  const state = succeededDrillState(plan, name);
  const builder = opening(new HistoryBuilder(STARTED_AT, executionArn(name)), plan, state);
  passGate(builder, plan, state);
  builder.enter('Parallel', named(STATES.recover), state);
  builder.task(named('Promote Replicas'), { input: { action: 'start' } }).after(0.1);
  builder.enter('Wait', named('Wait For Promotions'), {});
  builder.after(20).event('WaitStateAborted').event('ParallelStateAborted').stopped();
  return { executionArn: builder.arn, events: builder.events, state };
}

/** A duplicate delivery of an event another execution is handling: Duplicate Ignored, success. */
export function duplicateDrill(plan: Plan, name = 'gameday-shop-prod-duplicate'): LiveExecution {
  const named = namesOf(plan);
  const trigger = drillTrigger(name);
  const state: WorkflowState = {
    trigger,
    decision: 'duplicate',
    message: 'execution gameday-shop-prod-20261124T090000Z holds the lock of plan shop-prod',
  };
  const builder = new HistoryBuilder(STARTED_AT, executionArn(name));
  builder
    .started({})
    .task(named(STATES.validateTrigger), { output: { trigger, decision: 'proceed' } })
    .state('Choice', named(STATES.isEventForThisPlan))
    .task(named(STATES.acquireLock))
    .state('Choice', named(STATES.lockAcquired))
    .state('Pass', named(STATES.duplicateIgnored), { output: state })
    .succeeded(state);
  return { executionArn: builder.arn, events: builder.events, state };
}

/** An alarm within the plan's minimum interval since the last failover: Failover Refused. */
export function refusedExecution(plan: Plan, name = 'alarm-refused-1'): LiveExecution {
  const named = namesOf(plan);
  const message =
    'the last failover of shop-prod started at 2026-11-24T08:30:00.000Z; next allowed at 09:30:00';
  const state: WorkflowState = { trigger: drillTrigger(name), decision: 'proceed' };
  const builder = new HistoryBuilder(STARTED_AT, executionArn(name));
  builder
    .started({})
    .task(named(STATES.validateTrigger), { output: state })
    .state('Choice', named(STATES.isEventForThisPlan))
    .task(named(STATES.acquireLock))
    .state('Choice', named(STATES.lockAcquired))
    .failState(named(STATES.failoverRefused), state)
    .failed('FailoverRefused', message);
  return { executionArn: builder.arn, events: builder.events, state };
}
