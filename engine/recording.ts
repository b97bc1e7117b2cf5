import type { JsonValue } from './local-lambda.js';
import type { EventLog } from './timeline.js';

/**
 * What one execution did, in the terms another Step Functions interpreter can be checked
 * against (scripts/crosscheck/): every state entered with its input and output, every Lambda
 * Task invocation with its payload and answer, and how the execution ended. Opt-in
 * (`record: true` on a replay): it keeps every state's whole input, which the timeline does not.
 */

/** One Lambda Task invocation: the payload the Task sent and what the function answered. */
export interface TaskCall {
  readonly state: string;
  readonly payload: JsonValue;
  readonly result?: JsonValue;
  /** The function's error as Step Functions reports it (the Cause's `errorType` and `errorMessage`). */
  readonly error?: { readonly errorType: string; readonly errorMessage: string };
}

/** Told of every Lambda invocation of one execution, in the order they end (engine/local-lambda.ts). */
export type TaskRecorder = (executionArn: string, call: TaskCall) => void;

/** One entry into a state. `index` is the Map iteration it ran in (the engine's own numbering). */
export interface StateVisit {
  readonly name: string;
  readonly index?: number;
  readonly input: JsonValue;
  /** Absent when the state failed (caught or not) instead of exiting. */
  output?: JsonValue;
  error?: string;
}

export interface ExecutionRecording {
  readonly tasks: TaskCall[];
  readonly states: StateVisit[];
  status?: 'SUCCEEDED' | 'FAILED' | 'ABORTED' | 'TIMED_OUT';
  output?: JsonValue;
  /** The error and the cause exactly as the engine ended with them (a Lambda cause stays JSON text). */
  error?: string;
  cause?: string;
}

const copy = (value: unknown): JsonValue =>
  (value === undefined ? null : JSON.parse(JSON.stringify(value))) as JsonValue;

export function newRecording(): ExecutionRecording {
  return { tasks: [], states: [] };
}

/** Folds one engine event into the recording; the engine's objects are copied, never kept. */
export function recordEvent(recording: ExecutionRecording, event: EventLog): void {
  switch (event.type) {
    case 'StateEntered':
      recording.states.push({
        name: event.state.name,
        ...(event.index !== undefined ? { index: event.index } : {}),
        input: copy(event.state.input),
      });
      return;
    case 'StateExited':
    case 'StateFailed':
    case 'StateRetried': {
      // The latest open visit of this state in this iteration: a state runs once at a time there.
      const visit = recording.states.findLast(
        (entry) =>
          entry.name === event.state.name &&
          entry.index === event.index &&
          entry.output === undefined &&
          entry.error === undefined,
      );
      if (event.type === 'StateRetried') {
        // Failed, then retried within the same entry (no new StateEntered): the entry is open again.
        const retried = recording.states.findLast(
          (entry) => entry.name === event.state.name && entry.index === event.index,
        );
        if (retried !== undefined) delete retried.error;
        return;
      }
      if (visit === undefined) return;
      if (event.type === 'StateExited') visit.output = copy(event.state.output);
      else visit.error = event.Error;
      return;
    }
    case 'ExecutionSucceeded':
      recording.status = 'SUCCEEDED';
      recording.output = copy(event.output);
      return;
    case 'ExecutionFailed':
      recording.status = 'FAILED';
      recording.error = event.Error;
      recording.cause = typeof event.Cause === 'string' ? event.Cause : JSON.stringify(event.Cause ?? '');
      return;
    case 'ExecutionAborted':
      recording.status = 'ABORTED';
      return;
    case 'ExecutionTimeout':
      recording.status = 'TIMED_OUT';
      return;
    default:
      return;
  }
}
