import type { StateMachine } from 'aws-local-stepfunctions';
import { itemLabel } from './execution-facts.js';

/** The engine's event type; the package does not export it by name. */
export type EventLog =
  ReturnType<StateMachine['run']>['eventLogs'] extends AsyncGenerator<infer E> ? E : never;

/** One row of the replay timeline: a state (and the Map item it ran for), in simulated time. */
export interface TimelineEntry {
  readonly state: string;
  /** The database replica or group name a Map iteration ran for. */
  readonly item?: string;
  /** Seconds since the execution started. */
  readonly start: number;
  readonly end: number;
  /** How many times the state ran for this item (polling loops run many times). */
  readonly runs: number;
  readonly retries: number;
  readonly outcome: 'succeeded' | 'failed' | 'caught' | 'running';
  readonly error?: string;
}

interface OpenEntry {
  state: string;
  item?: string;
  start: number;
  end: number;
  runs: number;
  retries: number;
  outcome: TimelineEntry['outcome'];
  error?: string;
  open: boolean;
  /** The current run failed: its StateExited (after a Catch) must not read as a success. */
  runFailed: boolean;
}

/**
 * What the timeline needs of one engine event. The engine's events carry every state's whole
 * input; keeping only this much kept a 50-resource replay's garbage collector out of the bench.
 */
export interface StateEvent {
  readonly type: 'StateEntered' | 'StateExited' | 'StateFailed' | 'StateRetried' | 'StateCaught';
  readonly timestamp: number;
  readonly name: string;
  readonly index?: number;
  readonly item?: string;
  readonly error?: string;
  /** The lock steps' results, for the replay's lock summary (engine/replay-result.ts). */
  readonly lock?: unknown;
  readonly lockRelease?: unknown;
  readonly lockReleaseFailure?: unknown;
}

type LockFields = { lock?: unknown; lockRelease?: unknown; lockReleaseFailure?: unknown };

/** The slim form of an engine event, or undefined for events that are not about a state. */
export function stateEventOf(event: EventLog): StateEvent | undefined {
  if (!('state' in event)) return undefined;
  const output = (event.type === 'StateExited' ? event.state.output : undefined) as
    LockFields | null | undefined;
  const input = (event.type === 'StateEntered' ? event.state.input : undefined) as
    LockFields | null | undefined;
  return {
    type: event.type,
    timestamp: event.timestamp,
    name: event.state.name,
    index: event.index,
    item: itemLabel(event.state.input),
    error: event.type === 'StateFailed' ? event.Error : undefined,
    lock: output?.lock,
    lockRelease: output?.lockRelease,
    lockReleaseFailure: input?.lockReleaseFailure,
  };
}

/**
 * Folds the engine's event log into a timeline. Loop states (poll, wait) are folded into one
 * row per state and item, spanning first entry to last exit, with a run count.
 */
export function buildTimeline(events: readonly StateEvent[], startedAtMs: number): TimelineEntry[] {
  const rows: OpenEntry[] = [];
  const byKey = new Map<string, OpenEntry>();
  const seconds = (timestamp: number) => Math.round((timestamp - startedAtMs) / 100) / 10;
  const labels = new Map<number, string>();
  for (const event of events) {
    const index = event.index;
    const label = event.item ?? (index === undefined ? undefined : labels.get(index));
    if (index !== undefined && label !== undefined) labels.set(index, label);
    const key = `${event.name}\u0000${index ?? ''}\u0000${label ?? ''}`;
    let row = byKey.get(key);
    if (event.type === 'StateEntered') {
      if (row === undefined) {
        row = {
          state: event.name,
          item: label,
          start: seconds(event.timestamp),
          end: seconds(event.timestamp),
          runs: 0,
          retries: 0,
          outcome: 'running',
          open: true,
          runFailed: false,
        };
        byKey.set(key, row);
        rows.push(row);
      }
      row.runs += 1;
      row.open = true;
      row.runFailed = false;
      continue;
    }
    if (row === undefined) continue;
    row.end = seconds(event.timestamp);
    if (event.type === 'StateExited') {
      if (!row.runFailed) row.outcome = 'succeeded';
      row.open = false;
    } else if (event.type === 'StateRetried') {
      // Failed → Retried → (the same run again) → Exited: the retry clears the failure.
      row.retries += 1;
      row.runFailed = false;
      row.outcome = 'running';
    } else if (event.type === 'StateFailed') {
      row.outcome = 'failed';
      row.runFailed = true;
      row.error = event.error;
    } else if (event.type === 'StateCaught') {
      row.outcome = 'caught';
    }
  }
  return rows.map(({ open: _open, runFailed: _runFailed, ...row }) => row);
}
