import type FakeTimers from '@sinonjs/fake-timers';
import { ExecutionAbortedError, ExecutionTimeoutError, type StateMachine } from 'aws-local-stepfunctions';
import type { JsonValue, LocalHandlers } from './local-lambda.js';
import { causeText } from './execution-facts.js';
import { ExecutionLimits } from './limits/execution-limits.js';
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
  /** AWS's hard limits for this execution: history count, largest payload, the limit it hit. */
  limits?: ExecutionLimits;
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
export async function runClock(
  clock: Clock,
  done: () => boolean,
  holds: ReadonlySet<Promise<unknown>> = new Set(),
): Promise<void> {
  const turn = () => new Promise((resolve) => setImmediate(resolve));
  await turn();
  while (!done()) {
    // A decision still being made (a person at the terminal) holds simulated time.
    if (holds.size > 0) {
      await Promise.all(holds);
      await turn();
      continue;
    }
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
  handlersFor: (limits: ExecutionLimits) => LocalHandlers,
  run: Running,
): void {
  run.startedAtMs = Date.now();
  let stopped: { error: string; cause: string } | undefined;
  let abort = () => undefined as void;
  const limits = new ExecutionLimits(() => abort());
  run.limits = limits;
  // Measured before the engine starts: its first Task hands over its input synchronously.
  limits.checkExecutionInput(run.spec.event);
  // `$$.Task.Token`: a new token each time a Task's Parameters read it (the callback pattern).
  const task = Object.defineProperty({}, 'Token', {
    enumerable: true,
    get: () => cloud.stepFunctions.issueToken(run.executionArn),
  });
  const execution = machine.run(run.spec.event as JsonValue, {
    overrides: { taskResourceLocalHandlers: handlersFor(limits) },
    context: { Execution: { Id: run.executionArn, Name: run.spec.name }, Task: task },
  });
  abort = execution.abort;
  if (!limits.alive) execution.abort();
  cloud.stepFunctions.started(run.executionArn, run.spec.event, (error, cause) => {
    stopped = { error, cause };
    execution.abort();
  });
  run.collecting = (async () => {
    for await (const logged of execution.eventLogs) {
      limits.observe(logged);
      if (run.recording) recordEvent(run.recording, logged);
      const slim = stateEventOf(logged);
      if (slim !== undefined) run.events.push(slim);
    }
  })();
  const finish = (settled: Settled) => {
    run.endedAtMs = Date.now();
    // A limit hit ends the execution FAILED whatever the engine made of it (AWS never got further).
    const failure = limits.failure;
    run.settled = failure ? { status: 'FAILED', error: failure } : settled;
    if (run.settled.status !== 'SUCCEEDED')
      cloud.stepFunctions.ended(run.executionArn, run.settled.status, run.settled.error);
    else cloud.stepFunctions.ended(run.executionArn, 'SUCCEEDED');
  };
  // The event log is read a little behind the engine: judge the ending once it has all been read.
  const settle = async (): Promise<Settled> => {
    try {
      return { status: 'SUCCEEDED', output: await execution.result };
    } catch (error) {
      return settledFailure(error, stopped);
    } finally {
      await run.collecting;
    }
  };
  void settle().then(finish);
}

function settledFailure(error: unknown, stopped: { error: string; cause: string } | undefined): Settled {
  if (error instanceof ExecutionAbortedError) {
    return {
      status: 'ABORTED',
      error: stopped ?? { error: 'ExecutionAborted', cause: 'the execution was stopped' },
    };
  }
  if (error instanceof ExecutionTimeoutError) {
    return {
      status: 'TIMED_OUT',
      error: { error: 'States.Timeout', cause: 'the execution exceeded its TimeoutSeconds' },
    };
  }
  const failure = error as {
    cause?: { name?: string; message?: string };
    name?: string;
    message?: string;
  };
  const cause = failure.cause ?? failure;
  return { status: 'FAILED', error: { error: cause.name ?? 'Error', cause: causeText(cause.message ?? '') } };
}
