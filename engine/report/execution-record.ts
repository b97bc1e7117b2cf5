import type { Outcome } from '../../functions/common/vocabulary.js';
import type { WorkflowState } from '../../functions/common/workflow-state.js';
import type { ReplayResult } from '../runner.js';
import type { CloudSnapshot } from '../sim/index.js';
import type { TimelineEntry } from '../timeline.js';
import { runRecordFromTables, type RunRecord } from './run-record.js';

/**
 * The normalised record of one execution that every report is built from. A local replay
 * (`ReplayResult`) and a live execution history (Step Functions `HistoryEvent`s) both fold into
 * it, so the report does not care where the run happened.
 */

/** `caught`: the step failed and a Catch took over; `aborted`: the execution ended around it. */
export type StepOutcome = 'succeeded' | 'failed' | 'caught' | 'aborted' | 'running';

/** One row of the timeline: a state, first entry to last exit. */
export interface ExecutionStep {
  readonly state: string;
  /** The replica or group name a Map iteration ran for. */
  readonly item?: string;
  readonly startedAt: string;
  readonly endedAt: string;
  /** How many times the state ran for this item (polling loops run many times). */
  readonly runs: number;
  readonly retries: number;
  readonly outcome: StepOutcome;
  readonly error?: string;
}

/**
 * How the workflow ended, in the one vocabulary (functions/common/vocabulary.ts OUTCOMES:
 * `duplicate` another execution had it, `refused` within the plan's minimum interval, `aborted`
 * the alarm recovered during the confirm window), or how Step Functions ended it from outside:
 * `stopped` (StopExecution: status ABORTED), `timed-out`, or still `running`.
 */
export type ExecutionOutcome = Outcome | 'stopped' | 'timed-out' | 'running';

export interface ExecutionRecord {
  readonly source: 'local' | 'live';
  readonly executionName: string;
  readonly executionArn?: string;
  readonly outcome: ExecutionOutcome;
  readonly startedAt: string;
  /** When the execution ended; for a running one, the time of its latest event. */
  readonly endedAt: string;
  readonly error?: { readonly error: string; readonly cause: string };
  readonly steps: readonly ExecutionStep[];
  /** The latest execution state seen (the output when it succeeded); null when none is known. */
  readonly state: WorkflowState | null;
  /**
   * What the failover record says each resource did (local replays: read from the simulated
   * lock table); absent when unknown, e.g. for a live history.
   */
  readonly failoverRecord?: RunRecord | null;
  /**
   * The execution's input (the alarm event or drill request), when the caller knows it: a failed
   * local replay keeps no state, and the report still names its trigger from it.
   */
  readonly input?: unknown;
  /** Local replays only: the simulated cloud at the end (resources and notifications sent). */
  readonly cloud?: Pick<CloudSnapshot, 'databases' | 'groups' | 'parameters' | 'notifications'> &
    Partial<Pick<CloudSnapshot, 'kindLines'>>;
  /** Local replays only: what the simulated AWS saw. */
  readonly local?: {
    readonly apiCalls: number;
    readonly mutatingCalls: number;
    readonly criticalPathSeconds: number;
  };
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/** The execution state, when `value` looks like one (the steps' outputs are plain JSON). */
export const asWorkflowState = (value: unknown): WorkflowState | null =>
  isObject(value) ? (value as WorkflowState) : null;

/**
 * The local timeline lets a state's exit overwrite its failure (a Parallel whose branch failed
 * into the Parallel's Catch ends as `succeeded` with the error). An exited row with an error and no
 * retry to explain it was caught.
 */
function localOutcome(entry: TimelineEntry): StepOutcome {
  if (entry.outcome === 'succeeded' && entry.error !== undefined && entry.retries === 0) return 'caught';
  return entry.outcome;
}

/** Folds a local replay into the normalised record; its times are simulated time. */
export function recordFromReplay(
  result: ReplayResult,
  options: { readonly input?: unknown } = {},
): ExecutionRecord {
  const origin = Date.parse(result.startedAt);
  const at = (seconds: number) => new Date(origin + Math.round(seconds * 1000)).toISOString();
  const cloud = result.cloud as Partial<ReplayResult['cloud']> | undefined;
  const tables = cloud?.tables;
  return {
    source: 'local',
    executionName: result.executionName,
    outcome: result.outcome,
    startedAt: result.startedAt,
    endedAt: result.endedAt,
    ...(result.error ? { error: result.error } : {}),
    steps: result.timeline.map((entry) => ({
      state: entry.state,
      ...(entry.item === undefined ? {} : { item: entry.item }),
      startedAt: at(entry.start),
      endedAt: at(entry.end),
      runs: entry.runs,
      retries: entry.retries,
      outcome: localOutcome(entry),
      ...(entry.error === undefined ? {} : { error: entry.error }),
    })),
    state: asWorkflowState(result.output),
    // A saved result without the cloud (trimmed by hand) reports without the record.
    ...(tables === undefined ? {} : { failoverRecord: runRecordFromTables(tables, result.executionName) }),
    ...(options.input === undefined ? {} : { input: options.input }),
    ...(cloud?.databases === undefined
      ? {}
      : {
          cloud: {
            databases: cloud.databases,
            groups: cloud.groups ?? [],
            parameters: cloud.parameters ?? {},
            notifications: cloud.notifications ?? [],
            kindLines: cloud.kindLines ?? [],
          },
        }),
    local: {
      apiCalls: result.apiCalls,
      mutatingCalls: result.mutatingCalls,
      criticalPathSeconds: result.criticalPathSeconds,
    },
  };
}
