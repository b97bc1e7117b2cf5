import type { HistoryEvent } from '@aws-sdk/client-sfn';
import {
  causeText,
  failureOf,
  itemLabel,
  parseJson,
  type ExecutionRecord,
  type ExecutionStep,
} from '../engine/report/index.js';

/**
 * Progress lines, one per state entered, exited or failed: from a live execution's history as
 * it arrives, or from a finished local replay's timeline.
 */

const MARK = {
  entered: '▶',
  succeeded: '✓',
  failed: '✗',
  caught: '✗',
  aborted: '■',
  running: '…',
  retry: '↻',
} as const;

const stateName = (state: string, item: string | undefined): string =>
  item === undefined ? state : `${state} [${item}]`;
const seconds = (ms: number): string => `${Math.round(ms / 100) / 10}s`;
const clockOf = (date: Date | undefined): string => (date ?? new Date(0)).toISOString().slice(11, 21);

/** `+mm:ss.s` since the execution started. */
function offset(ms: number): string {
  const tenths = Math.max(0, Math.round(ms / 100));
  const minutes = Math.floor(tenths / 600);
  const rest = (tenths % 600) / 10;
  return `+${String(minutes).padStart(2, '0')}:${rest.toFixed(1).padStart(4, '0')}`;
}

function stepLine(step: ExecutionStep, origin: number): string {
  const start = Date.parse(step.startedAt);
  const runs = step.runs > 1 ? ` x${step.runs}` : '';
  const retries = step.retries > 0 ? `, ${step.retries} retr${step.retries === 1 ? 'y' : 'ies'}` : '';
  const error = step.error === undefined ? '' : `  ${step.error}`;
  const took = seconds(Date.parse(step.endedAt) - start);
  return `  ${offset(start - origin)}  ${MARK[step.outcome]} ${stateName(step.state, step.item)}${runs}  ${took}${retries}${error}`;
}

/** The replay's timeline as progress lines, in simulated time since the start. */
export function localProgressLines(record: ExecutionRecord): string[] {
  const origin = Date.parse(record.startedAt);
  return [...record.steps]
    .sort((a, b) => Date.parse(a.startedAt) - Date.parse(b.startedAt))
    .map((step) => stepLine(step, origin));
}

interface Entered {
  readonly name: string;
  readonly item: string | undefined;
  readonly at: number;
  readonly container: boolean;
  /** Its last attempt failed: an exit now means a Catch took over. */
  failed: boolean;
}

/** Turns history events into progress lines as they arrive; keeps what it needs across polls. */
export class LiveProgress {
  private readonly enteredByEvent = new Map<number, Entered>();
  private readonly open: Entered[] = [];

  public lines(events: readonly HistoryEvent[]): string[] {
    return events.flatMap((event) => this.line(event) ?? []);
  }

  private line(event: HistoryEvent): string | undefined {
    const type = event.type ?? '';
    const at = event.timestamp?.getTime() ?? 0;
    const time = clockOf(event.timestamp);
    const entered = event.stateEnteredEventDetails;
    const exited = event.stateExitedEventDetails;
    if (type.endsWith('StateEntered') && entered?.name !== undefined) {
      const container = type === 'MapStateEntered' || type === 'ParallelStateEntered';
      const state: Entered = {
        name: entered.name,
        item: itemLabel(parseJson(entered.input)),
        at,
        container,
        failed: false,
      };
      if (event.id !== undefined) this.enteredByEvent.set(event.id, state);
      this.open.push(state);
      return `  ${time}  ${MARK.entered} ${stateName(state.name, state.item)}`;
    }
    if (type.endsWith('StateExited') && exited?.name !== undefined) {
      const item = itemLabel(parseJson(exited.output));
      const index = this.open.findLastIndex(
        (state) => state.name === exited.name && (item === undefined || state.item === item),
      );
      const state = index < 0 ? undefined : this.open.splice(index, 1)[0];
      const took = state === undefined ? '' : `  ${seconds(at - state.at)}`;
      const mark = state?.failed === true ? MARK.caught : MARK.succeeded;
      const caught = state?.failed === true ? ' (failed; caught)' : '';
      return `  ${time}  ${mark} ${stateName(exited.name, state?.item ?? item)}${took}${caught}`;
    }
    if (type === 'MapStateFailed' || type === 'ParallelStateFailed') {
      const container = this.open.findLast((state) => state.container && !state.failed);
      if (container !== undefined) container.failed = true;
      return undefined;
    }
    const previous =
      event.previousEventId === undefined ? undefined : this.enteredByEvent.get(event.previousEventId);
    if (previous !== undefined && event.id !== undefined) this.enteredByEvent.set(event.id, previous);
    const failure = failureOf(event);
    if (/(Failed|TimedOut)$/.test(type) && type.startsWith('Execution')) {
      return `  ${time}  ${MARK.failed} execution ${type === 'ExecutionTimedOut' ? 'timed out' : 'failed'}: ${failure?.error ?? ''}: ${causeText(failure?.cause)}`;
    }
    if (type === 'ExecutionAborted') return `  ${time}  ${MARK.aborted} execution stopped (aborted)`;
    if (type === 'ExecutionSucceeded') return `  ${time}  ${MARK.succeeded} execution succeeded`;
    if (/^(LambdaFunctionScheduled|TaskScheduled|ActivityScheduled)$/.test(type) && previous !== undefined) {
      if (!previous.failed) return undefined;
      // A retry: the failure before it was not the end of the state.
      previous.failed = false;
      return `  ${time}  ${MARK.retry} ${stateName(previous.name, previous.item)}: retrying`;
    }
    if (/^(Lambda|Task(?!State)|Activity)\w*(Failed|TimedOut)$/.test(type)) {
      if (previous !== undefined) previous.failed = true;
      const where = previous === undefined ? 'step' : stateName(previous.name, previous.item);
      return `  ${time}  ${MARK.failed} ${where}: ${failure?.error ?? type}: ${causeText(failure?.cause)}`;
    }
    return undefined;
  }
}
