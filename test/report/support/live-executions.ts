import type { HistoryEvent } from '@aws-sdk/client-sfn';
import type { Plan } from '../../../functions/common/plan.js';
import type { WorkflowState } from '../../../functions/common/workflow-state.js';
import { drillTrigger, lagCheck, succeededState } from '../../fixtures/workflow-states.js';
import { HistoryBuilder, lambdaCause } from './history-builder.js';

/**
 * Histories of live drills of the example plan, as GetExecutionHistory would return them for
 * state-machines/failover.asl.json (Lambda tasks, an inline Map per database and group inside
 * the Parallel), with the execution state each state passes on.
 */

export const STATE_MACHINE_ARN = 'arn:aws:states:us-west-2:111111111111:stateMachine:shop-prod-failover';
export const executionArn = (name: string): string =>
  `arn:aws:states:us-west-2:111111111111:execution:shop-prod-failover:${name}`;
export const STARTED_AT = '2026-11-24T09:00:01.000Z';
export const LAG_EXCEEDED =
  'shop-db-replica lag 240s is above 30s after waiting 121s (lagWaitSeconds 120); onLagExceeded is abort, so nothing was promoted';

export interface LiveExecution {
  readonly executionArn: string;
  readonly events: readonly HistoryEvent[];
  /** The execution state at the end (the output when it succeeded). */
  readonly state: WorkflowState;
}

function opening(builder: HistoryBuilder, plan: Plan, state: WorkflowState): HistoryBuilder {
  const event = {
    source: 'failover.gameday',
    'detail-type': 'Failover Drill Requested',
    detail: { planName: plan.name },
  };
  const validated = {
    plan,
    trigger: state.trigger,
    decision: 'proceed',
    message: 'live drill requested by sre',
  };
  return builder
    .started(event)
    .task('Validate Trigger', { input: event, output: validated })
    .state('Choice', 'Is Event For This Plan?', { input: validated })
    .task('Notify Started', { input: validated, output: validated, seconds: 0.3 });
}

const databaseItem = (plan: Plan) => ({ database: plan.databases[0], recoveryRegion: plan.recoveryRegion });
const groupItem = (plan: Plan) => ({ group: plan.scalingGroups[0], recoveryRegion: plan.recoveryRegion });

/** A drill that succeeds: one throttled lag read (retried), promotion polled twice, six instances. */
export function succeededDrill(plan: Plan, name = 'gameday-shop-prod-20261124T090000Z'): LiveExecution {
  const state = succeededState(plan, { trigger: drillTrigger(false), lag: lagCheck(12) });
  const builder = opening(new HistoryBuilder(STARTED_AT, executionArn(name)), plan, state);
  const db = databaseItem(plan);
  const group = groupItem(plan);
  const lagMap = builder.enter('Map', 'Check Replica Lag', state);
  builder
    .event('MapStateStarted', { mapStateStartedEventDetails: { length: 1 } })
    .event('MapIterationStarted', {
      mapIterationStartedEventDetails: { name: 'Check Replica Lag', index: 0 },
    })
    .task('Read Replica Lag', {
      input: db,
      output: { ...db, lag: lagCheck(12) },
      retriedErrors: [{ error: 'Throttling', cause: 'Rate exceeded' }],
    })
    .state('Choice', 'Lag Within Threshold?', { input: db })
    .state('Succeed', 'Lag Gate Passed', { input: db })
    .event('MapIterationSucceeded', {
      mapIterationSucceededEventDetails: { name: 'Check Replica Lag', index: 0 },
    })
    .event('MapStateSucceeded');
  builder.exit('Map', 'Check Replica Lag', state, lagMap);
  const parallel = builder.enter('Parallel', 'Promote And Scale', state);
  builder.event('ParallelStateStarted');
  const promote = builder.enter('Map', 'Promote Replicas', state);
  builder
    .event('MapIterationStarted', { mapIterationStartedEventDetails: { name: 'Promote Replicas', index: 0 } })
    .task('Promote Replica', { input: db })
    .state('Choice', 'Promotion Started?', { input: db })
    .state('Wait', 'Wait For Promotion', { input: db, seconds: 150 })
    .task('Check Promotion', { input: db })
    .state('Choice', 'Replica Standalone?', { input: db })
    .state('Wait', 'Wait For Promotion', { input: db, seconds: 150 })
    .task('Check Promotion', { input: db })
    .state('Choice', 'Replica Standalone?', { input: db })
    .state('Pass', 'Replica Promoted', { input: db })
    .event('MapIterationSucceeded', {
      mapIterationSucceededEventDetails: { name: 'Promote Replicas', index: 0 },
    });
  builder.exit('Map', 'Promote Replicas', [], promote);
  const scale = builder.enter('Map', 'Scale Recovery Groups', state);
  builder
    .event('MapIterationStarted', {
      mapIterationStartedEventDetails: { name: 'Scale Recovery Groups', index: 0 },
    })
    .task('Scale Group', { input: group })
    .state('Choice', 'Group Ready?', { input: group })
    .state('Pass', 'Group Scaled', { input: group });
  builder.exit('Map', 'Scale Recovery Groups', [], scale);
  builder.event('ParallelStateSucceeded');
  builder.exit('Parallel', 'Promote And Scale', state, parallel);
  builder
    .task('Repoint Parameters', { input: state, output: state, seconds: 0.4 })
    .task('Notify Succeeded', { input: state, output: state })
    .state('Succeed', 'Failover Succeeded', { input: state })
    .succeeded(state);
  return { executionArn: builder.arn, events: builder.events, state };
}

/** A drill stopped by the RPO gate: the lag read fails, the Map's Catch notifies, the Fail state ends it. */
export function lagExceededDrill(plan: Plan, name = 'gameday-shop-prod-20261124T090000Z'): LiveExecution {
  const base = succeededState(plan, { trigger: drillTrigger(false) });
  const cause = lambdaCause('ReplicaLagExceededError', LAG_EXCEEDED);
  const state: WorkflowState = {
    plan,
    trigger: base.trigger,
    decision: 'proceed',
    failure: { Error: 'ReplicaLagExceededError', Cause: cause },
    failedStep: 'Check Replica Lag',
  };
  const builder = opening(new HistoryBuilder(STARTED_AT, executionArn(name)), plan, state);
  const db = databaseItem(plan);
  const lagMap = builder.enter('Map', 'Check Replica Lag', state);
  builder
    .event('MapStateStarted', { mapStateStartedEventDetails: { length: 1 } })
    .event('MapIterationStarted', {
      mapIterationStartedEventDetails: { name: 'Check Replica Lag', index: 0 },
    })
    .task('Read Replica Lag', {
      input: db,
      failure: { error: 'ReplicaLagExceededError', cause, caught: false },
    })
    .event('MapIterationFailed', { mapIterationFailedEventDetails: { name: 'Check Replica Lag', index: 0 } })
    .event('MapStateFailed');
  builder.exit('Map', 'Check Replica Lag', state, lagMap);
  builder
    .state('Pass', 'Check Replica Lag Failed', { input: state })
    .task('Notify Failed', { input: state, output: state })
    .failState('Failover Failed', state)
    .failed('ReplicaLagExceededError', cause);
  return { executionArn: builder.arn, events: builder.events, state };
}

/** Someone ran `aws stepfunctions stop-execution` while the promotion was being polled. */
export function stoppedDrill(plan: Plan, name = 'gameday-shop-prod-20261124T090000Z'): LiveExecution {
  const state = succeededState(plan, { trigger: drillTrigger(false) });
  const builder = opening(new HistoryBuilder(STARTED_AT, executionArn(name)), plan, state);
  const db = databaseItem(plan);
  builder.enter('Parallel', 'Promote And Scale', state);
  builder.enter('Map', 'Promote Replicas', state);
  builder.task('Promote Replica', { input: db }).after(0.1);
  builder.enter('Wait', 'Wait For Promotion', db);
  builder
    .after(20)
    .event('WaitStateAborted')
    .event('MapStateAborted')
    .event('ParallelStateAborted')
    .stopped();
  return { executionArn: builder.arn, events: builder.events, state };
}
