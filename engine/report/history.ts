import type { DescribeExecutionCommandOutput, HistoryEvent } from '@aws-sdk/client-sfn';
import { FAIL_ERRORS, LOCK_DECISIONS, TRIGGER_DECISIONS } from '../../functions/common/vocabulary.js';
import type { WorkflowState } from '../../functions/common/workflow-state.js';
import {
  asWorkflowState,
  type ExecutionOutcome,
  type ExecutionRecord,
  type ExecutionStep,
  type StepOutcome,
} from './execution-record.js';
import { causeText, itemLabel } from '../execution-facts.js';

export { causeText, itemLabel };

/**
 * Folds a live execution history (GetExecutionHistory, oldest first) into the normalised
 * record, the same way the local timeline folds the engine's events: one row per state and
 * Map item, spanning first entry to last exit, with a run count for polling loops.
 */

interface Row {
  readonly state: string;
  readonly item: string | undefined;
  readonly start: number;
  end: number;
  runs: number;
  retries: number;
  outcome: StepOutcome;
  error: string | undefined;
  open: boolean;
  /** The last attempt failed; a later schedule is a retry, an exit means it was caught. */
  failed: boolean;
  readonly container: boolean;
}

/** Task-level events: they belong to the state whose entry they follow (previousEventId chain). */
const TASK_EVENT = /^(Lambda|Task(?!State)|Activity)/;
const FAILED_TASK_EVENT = /^(Lambda|Task(?!State)|Activity)\w*(Failed|TimedOut)$/;
const SCHEDULED_TASK_EVENT = /^(LambdaFunctionScheduled|TaskScheduled|ActivityScheduled)$/;

export function parseJson(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** The error and cause any failure event carries, whichever details field holds them. */
export function failureOf(event: HistoryEvent): { error?: string; cause?: string } | undefined {
  return (
    event.lambdaFunctionFailedEventDetails ??
    event.lambdaFunctionTimedOutEventDetails ??
    event.lambdaFunctionStartFailedEventDetails ??
    event.lambdaFunctionScheduleFailedEventDetails ??
    event.taskFailedEventDetails ??
    event.taskTimedOutEventDetails ??
    event.taskStartFailedEventDetails ??
    event.taskSubmitFailedEventDetails ??
    event.activityFailedEventDetails ??
    event.activityTimedOutEventDetails ??
    event.activityScheduleFailedEventDetails ??
    event.executionFailedEventDetails ??
    event.executionAbortedEventDetails ??
    event.executionTimedOutEventDetails ??
    event.evaluationFailedEventDetails
  );
}

const TERMINAL: Readonly<Record<string, ExecutionOutcome>> = {
  ExecutionSucceeded: 'succeeded',
  ExecutionFailed: 'failed',
  ExecutionAborted: 'stopped',
  ExecutionTimedOut: 'timed-out',
};

const DEFAULT_ERROR: Readonly<Partial<Record<ExecutionOutcome, string>>> = {
  stopped: 'ExecutionAborted',
  'timed-out': 'States.Timeout',
};

const STATUS: Readonly<Record<string, ExecutionOutcome>> = {
  SUCCEEDED: 'succeeded',
  FAILED: 'failed',
  ABORTED: 'stopped',
  TIMED_OUT: 'timed-out',
  PENDING_REDRIVE: 'failed',
};

function foldSteps(
  events: readonly HistoryEvent[],
  endMs: number,
  outcome: ExecutionOutcome,
  error: string | undefined,
) {
  const rows: Row[] = [];
  const byKey = new Map<string, Row>();
  const rowOfEvent = new Map<number, Row>();
  for (const event of events) {
    const type = event.type ?? '';
    const at = event.timestamp?.getTime() ?? endMs;
    const entered = event.stateEnteredEventDetails;
    const exited = event.stateExitedEventDetails;
    if (type.endsWith('StateEntered') && entered?.name !== undefined) {
      const item = itemLabel(parseJson(entered.input));
      const key = `${entered.name}\u0000${item ?? ''}`;
      let row = byKey.get(key);
      if (row === undefined) {
        row = {
          state: entered.name,
          item,
          start: at,
          end: at,
          runs: 0,
          retries: 0,
          outcome: 'running',
          error: undefined,
          open: true,
          failed: false,
          container: type === 'MapStateEntered' || type === 'ParallelStateEntered',
        };
        byKey.set(key, row);
        rows.push(row);
      }
      row.runs += 1;
      row.open = true;
      row.failed = false;
      row.end = at;
      if (event.id !== undefined) rowOfEvent.set(event.id, row);
      continue;
    }
    if (type.endsWith('StateExited') && exited?.name !== undefined) {
      const item = itemLabel(parseJson(exited.output));
      const open = rows.filter((row) => row.open && row.state === exited.name);
      const row = open.find((candidate) => item !== undefined && candidate.item === item) ?? open.at(-1);
      if (row === undefined) continue;
      row.end = at;
      row.open = false;
      row.outcome = row.failed ? 'caught' : 'succeeded';
      continue;
    }
    if (TASK_EVENT.test(type)) {
      const row = event.previousEventId === undefined ? undefined : rowOfEvent.get(event.previousEventId);
      if (row === undefined) continue;
      if (event.id !== undefined) rowOfEvent.set(event.id, row);
      row.end = at;
      if (SCHEDULED_TASK_EVENT.test(type) && row.failed) {
        row.retries += 1;
        row.failed = false;
      } else if (FAILED_TASK_EVENT.test(type)) {
        row.failed = true;
        row.error = failureOf(event)?.error ?? type;
      }
      continue;
    }
    if (type === 'MapStateFailed' || type === 'ParallelStateFailed') {
      // No name on these: the innermost open container that has not failed yet is the one.
      const row = rows
        .filter((candidate) => candidate.container && candidate.open && !candidate.failed)
        .at(-1);
      if (row === undefined) continue;
      row.end = at;
      row.failed = true;
      row.error ??= [...rows].reverse().find((candidate) => candidate.error !== undefined)?.error;
    }
  }
  const failState = lastFailState(events);
  return rows.map((row): ExecutionStep => {
    let stepOutcome = row.outcome;
    let stepError = row.error;
    // Still open when the execution ended: it failed, was the Fail state, ran out of time, or
    // was cut short (a stop, or a failure elsewhere in its Parallel).
    if (row.open) {
      row.end = Math.max(row.end, endMs);
      if (outcome === 'running') stepOutcome = 'running';
      else if (row.failed || row.state === failState || outcome === 'timed-out') {
        stepOutcome = 'failed';
        stepError ??= error;
      } else stepOutcome = 'aborted';
    }
    return {
      state: row.state,
      ...(row.item === undefined ? {} : { item: row.item }),
      startedAt: new Date(row.start).toISOString(),
      endedAt: new Date(row.end).toISOString(),
      runs: row.runs,
      retries: row.retries,
      outcome: stepOutcome,
      ...(stepError === undefined ? {} : { error: stepError }),
    };
  });
}

function lastFailState(events: readonly HistoryEvent[]): string | undefined {
  return events.findLast((event) => event.type === 'FailStateEntered')?.stateEnteredEventDetails?.name;
}

/**
 * The latest execution state: the output when the execution succeeded, else the latest output
 * of a top-level state (the one that carries the trigger; a branch's states carry only their summary).
 */
function latestState(events: readonly HistoryEvent[]): WorkflowState | null {
  for (const event of [...events].reverse()) {
    const output = event.executionSucceededEventDetails?.output ?? event.stateExitedEventDetails?.output;
    const state = asWorkflowState(parseJson(output));
    if (state !== null && (event.type === 'ExecutionSucceeded' || state.trigger !== undefined)) return state;
  }
  return null;
}

/**
 * The workflow's own ending, in the one vocabulary: a succeeded execution that ignored the
 * event or found another execution holding the lock, and the Fail states that refuse (minimum
 * interval) or abort (alarm recovered), are not failovers that succeeded or failed.
 */
function workflowOutcome(
  outcome: ExecutionOutcome,
  state: WorkflowState | null,
  errorName: string | undefined,
): ExecutionOutcome {
  if (outcome === 'succeeded') {
    if (state?.decision === TRIGGER_DECISIONS.ignore) return 'ignored';
    if (state?.decision === LOCK_DECISIONS.duplicate) return 'duplicate';
  }
  if (outcome === 'failed') {
    if (errorName === FAIL_ERRORS.aborted) return 'aborted';
    if (errorName === FAIL_ERRORS.refused) return 'refused';
  }
  return outcome;
}

/**
 * Builds the normalised record of a live execution from its full history (oldest first) and,
 * optionally, DescribeExecution (which knows the status before the history has a terminal event).
 */
export function recordFromHistory(
  executionArn: string,
  history: readonly HistoryEvent[],
  description?: Partial<
    Pick<DescribeExecutionCommandOutput, 'status' | 'startDate' | 'stopDate' | 'error' | 'cause' | 'name'>
  >,
): ExecutionRecord {
  const events = [...history].sort((a, b) => (a.id ?? 0) - (b.id ?? 0));
  const terminal = events.findLast((event) => event.type !== undefined && event.type in TERMINAL);
  const state = latestState(events);
  let outcome: ExecutionOutcome =
    terminal?.type !== undefined
      ? (TERMINAL[terminal.type] ?? 'running')
      : (STATUS[description?.status ?? ''] ?? 'running');
  const failure = terminal === undefined ? undefined : failureOf(terminal);
  const errorName = failure?.error ?? description?.error;
  const cause = causeText(failure?.cause ?? description?.cause);
  outcome = workflowOutcome(outcome, state, errorName);
  const first = events[0]?.timestamp ?? description?.startDate ?? new Date(0);
  const last = terminal?.timestamp ?? description?.stopDate ?? events.at(-1)?.timestamp ?? first;
  const hasError = !['succeeded', 'ignored', 'duplicate', 'running'].includes(outcome);
  return {
    source: 'live',
    executionName: description?.name ?? executionArn.split(':').at(-1) ?? executionArn,
    executionArn,
    outcome,
    startedAt: first.toISOString(),
    endedAt: last.toISOString(),
    ...(hasError ? { error: { error: errorName ?? DEFAULT_ERROR[outcome] ?? 'Error', cause } } : {}),
    steps: foldSteps(events, last.getTime(), outcome, errorName),
    state,
  };
}
