import type { EventLog } from '../timeline.js';
import {
  DATA_LIMIT_EXCEEDED,
  dataLimitCause,
  executionInputCause,
  HISTORY_EVENT_LIMIT,
  HISTORY_LIMIT_CAUSE,
  HISTORY_LIMIT_ERROR,
  PAYLOAD_LIMIT_BYTES,
  utf8Bytes,
} from './aws-limits.js';
import { HistoryEventCounter } from './history-events.js';

/**
 * A nested execution's payload: the engine forwards a Map iteration's or Parallel branch's own
 * ExecutionStarted/ExecutionSucceeded event with its input or output, which its types leave out.
 */
const carried = (event: EventLog) => event as { readonly input?: unknown; readonly output?: unknown };

/** The error an execution ends with when it hits a hard limit. */
export interface LimitFailure {
  readonly error: string;
  readonly cause: string;
}

/**
 * One execution's account of AWS's hard limits: its history event count, the largest payload it
 * carried, and the limit it hit, if any. aws-local-stepfunctions enforces none of them and offers
 * no hook between a state's processing and its Catch, so the guard sees every payload either
 * where the engine hands it over (a Task's effective input and result: engine/lambda-invocation.ts)
 * or in the event log (state input and output, Map iteration input and output, Parallel branch
 * input), and ends the execution itself: it records the failure and aborts the run, which the
 * execution driver then reports as FAILED with this error, as AWS would, never through a Catch.
 *
 * The event log is read a few microtasks behind the engine; nothing with an effect (a step
 * handler) runs before the next timer, by which time the guard has caught up and `alive` says
 * whether it may run.
 */
export class ExecutionLimits {
  private readonly history = new HistoryEventCounter();
  /** Payload sizes by object: a state's output is the next state's input, measured once. */
  private readonly sizes = new WeakMap<object, number>();
  private largest = 0;
  private failed: LimitFailure | undefined;

  /** @param abort stops the local run (the engine's `execution.abort`). */
  public constructor(private readonly abort: () => void) {}

  /** History events so far, as AWS would count them (at most 25,000). */
  public get historyEvents(): number {
    return this.history.count;
  }

  /** The largest state input or output, or task result, seen (UTF-8 bytes of its JSON). */
  public get largestStateBytes(): number {
    return this.largest;
  }

  /** The limit this execution hit; undefined while it has hit none. */
  public get failure(): LimitFailure | undefined {
    return this.failed;
  }

  /** False once a limit has ended the execution: nothing more of it may run. */
  public get alive(): boolean {
    return this.failed === undefined;
  }

  /**
   * Measures a payload (a JSON value, or its JSON text when the caller has it already) and ends
   * the execution with States.DataLimitExceeded when it is over the quota.
   * @returns whether the payload is within the quota
   */
  public checkPayload(stateName: string, what: string, payload: unknown, json?: string): boolean {
    if (!this.alive) return false;
    const bytes = json !== undefined ? utf8Bytes(json) : this.sizeOf(payload);
    if (bytes > this.largest) this.largest = bytes;
    if (bytes <= PAYLOAD_LIMIT_BYTES) return true;
    this.fail(DATA_LIMIT_EXCEEDED, dataLimitCause(stateName, what, bytes));
    return false;
  }

  /**
   * Checks the execution input before the engine starts (its first Task would otherwise be
   * measured first). AWS refuses such an input at StartExecution; the replay reports it as an
   * execution that failed before its first state.
   */
  public checkExecutionInput(input: unknown): boolean {
    const bytes = this.sizeOf(input);
    if (bytes > this.largest) this.largest = bytes;
    if (bytes <= PAYLOAD_LIMIT_BYTES) return true;
    this.fail(DATA_LIMIT_EXCEEDED, executionInputCause(bytes));
    return false;
  }

  /** Counts one engine event into the history and checks the payloads it carries. */
  public observe(event: EventLog): void {
    // Events the engine logged after the limit ended the execution never happened in AWS.
    if (!this.alive) return;
    // The abort that ends an execution over a limit is ours: AWS logs ExecutionFailed (counted in fail).
    const events = this.history.eventsFor(event);
    switch (event.type) {
      case 'StateEntered':
        this.checkPayload(event.state.name, 'input', event.state.input);
        break;
      case 'StateExited':
        this.checkPayload(event.state.name, 'output', event.state.output);
        break;
      case 'MapIterationStarted':
        this.checkPayload(event.parentState.name, `input of iteration ${event.index}`, carried(event).input);
        break;
      case 'MapIterationSucceeded':
        this.checkPayload(
          event.parentState.name,
          `output of iteration ${event.index}`,
          carried(event).output,
        );
        break;
      case 'ParallelBranchStarted':
        this.checkPayload(event.parentState.name, 'branch input', carried(event).input);
        break;
      default:
        break;
    }
    if (this.alive) this.record(events, event.type === 'ExecutionSucceeded');
  }

  /** Ends the execution with `error` (the first limit hit wins) and logs its ExecutionFailed. */
  public fail(error: string, cause: string): void {
    if (!this.alive) return;
    this.failed = { error, cause };
    this.history.count = Math.min(this.history.count + 1, HISTORY_EVENT_LIMIT);
    this.abort();
  }

  private record(events: number, succeeded: boolean): void {
    const count = this.history.count + events;
    // Event 25,000 may be ExecutionSucceeded; any other event at 25,000 fails the execution.
    if (count < HISTORY_EVENT_LIMIT || (count === HISTORY_EVENT_LIMIT && succeeded)) {
      this.history.count = count;
      return;
    }
    this.history.count = HISTORY_EVENT_LIMIT - 1;
    this.fail(HISTORY_LIMIT_ERROR, HISTORY_LIMIT_CAUSE);
  }

  private sizeOf(payload: unknown): number {
    const cacheable = typeof payload === 'object' && payload !== null;
    if (cacheable) {
      const known = this.sizes.get(payload);
      if (known !== undefined) return known;
    }
    const bytes = utf8Bytes(JSON.stringify(payload ?? null));
    if (cacheable) this.sizes.set(payload, bytes);
    return bytes;
  }
}
