import type FakeTimers from '@sinonjs/fake-timers';
import { ExecutionAbortedError, ExecutionTimeoutError, type StateMachine } from 'aws-local-stepfunctions';
import type { JsonValue, LocalHandlers } from './local-lambda.js';
import { causeText } from './execution-facts.js';
import type { Settled } from './replay-result.js';
import { recordEvent, type ExecutionRecording } from './recording.js';
import type { SimulatedCloud } from './sim/index.js';
import { stateEventOf, type StateEvent } from './timeline.js';

/**
 * Drives executions of the local engine on the virtual clock: start one, know when it ended
 * and how, and advance simulated time while any is still running.
 */

export interface ExecutionSpec {
  readonly event: unknown;
  readonly name: string;
  readonly offsetMs: number;
}

export interface Running {
  readonly spec: ExecutionSpec;
  readonly executionArn: string;
  readonly events: StateEvent[];
  startedAtMs: number;
  endedAtMs: number;
  settled?: Settled;
  collecting?: Promise<void>;
  /** Present when the replay records the whole execution (the cross-check on a second engine). */
  readonly recording?: ExecutionRecording;
}

export type Clock = ReturnType<typeof FakeTimers.install>;

/**
 * Runs the virtual clock until `done()`: fire the next timer, then let every promise it
 * resolved settle (one macrotask turn: the handlers use no real timers or I/O). This is what
 * `clock.runAllAsync()` does timer by timer; unlike a loop around it, executions left pending
 * with no timer scheduled are reported as a stall instead of spinning forever.
 */
export async function runClock(clock: Clock, done: () => boolean): Promise<void> {
  const turn = () => new Promise((resolve) => setImmediate(resolve));
  await turn();
  while (!done()) {
    if (clock.countTimers() === 0) {
      await turn();
      if (clock.countTimers() === 0 && !done())
        throw new Error('replay stalled: executions are pending but no timer is scheduled');
      continue;
    }
    clock.next();
    await turn();
  }
}

/**
 * Starts one execution of `machine` now, registers it with the simulated Step Functions (which
 * can stop it) and records how it ends in `run`.
 */
export function startExecution(
  machine: StateMachine,
  cloud: SimulatedCloud,
  handlers: LocalHandlers,
  run: Running,
): void {
  run.startedAtMs = Date.now();
  let stopped: { error: string; cause: string } | undefined;
  const execution = machine.run(run.spec.event as JsonValue, {
    overrides: { taskResourceLocalHandlers: handlers },
    context: { Execution: { Id: run.executionArn, Name: run.spec.name } },
  });
  cloud.stepFunctions.started(run.executionArn, run.spec.event, (error, cause) => {
    stopped = { error, cause };
    execution.abort();
  });
  run.collecting = (async () => {
    for await (const logged of execution.eventLogs) {
      if (run.recording) recordEvent(run.recording, logged);
      const slim = stateEventOf(logged);
      if (slim !== undefined) run.events.push(slim);
    }
  })();
  const finish = (settled: Settled) => {
    run.endedAtMs = Date.now();
    run.settled = settled;
    if (settled.status !== 'SUCCEEDED')
      cloud.stepFunctions.ended(run.executionArn, settled.status, settled.error);
    else cloud.stepFunctions.ended(run.executionArn, 'SUCCEEDED');
  };
  execution.result.then(
    (output) => finish({ status: 'SUCCEEDED', output }),
    (error: unknown) => {
      if (error instanceof ExecutionAbortedError) {
        finish({
          status: 'ABORTED',
          error: stopped ?? { error: 'ExecutionAborted', cause: 'the execution was stopped' },
        });
        return;
      }
      if (error instanceof ExecutionTimeoutError) {
        finish({
          status: 'TIMED_OUT',
          error: { error: 'States.Timeout', cause: 'the execution exceeded its TimeoutSeconds' },
        });
        return;
      }
      const failure = error as {
        cause?: { name?: string; message?: string };
        name?: string;
        message?: string;
      };
      const cause = failure.cause ?? failure;
      finish({
        status: 'FAILED',
        error: { error: cause.name ?? 'Error', cause: causeText(cause.message ?? '') },
      });
    },
  );
}
