import FakeTimers from '@sinonjs/fake-timers';
import { StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import type { JsonValue } from '../../engine/local-lambda.js';
import type { TaskCall } from '../../engine/recording.js';
import { newRecording, recordEvent } from '../../engine/recording.js';
import type { CrosscheckCase } from '../../scripts/crosscheck/cases.js';

/**
 * Small definitions run on aws-local-stepfunctions (the local engine's interpreter) and turned
 * into cross-check cases, to pin down where the two interpreters are known to differ.
 */

export const LAMBDA_ARN = 'arn:aws:lambda:us-west-2:000000000000:function:crosscheck-step';
const START_TIME = '2026-11-24T09:00:01.000Z';

/** A Lambda handler as a test writes it: returns a result or throws an Error whose name is the errorType. */
export type TestHandler = (payload: JsonValue) => JsonValue;

export interface LocalRunOptions {
  /** Handlers by Task state name; every Task of the definition needs one. */
  readonly handlers?: Record<string, TestHandler>;
  /** `null`: give moto no start time, so that it uses its own clock and types. @default the local start */
  readonly startTime?: string | null;
}

/** Runs `definition` locally (recording as the runner does) and returns the case moto must reproduce. */
export async function localCase(
  id: string,
  definition: StateMachineDefinition,
  input: JsonValue,
  options: LocalRunOptions = {},
): Promise<CrosscheckCase> {
  const executionName = id.replace(/[^A-Za-z0-9-]/g, '-').slice(0, 80);
  const executionArn = `arn:aws:states:us-west-2:000000000000:execution:crosscheck-known:${executionName}`;
  const recording = newRecording();
  const taskCalls: TaskCall[] = [];
  const handlers = Object.fromEntries(
    Object.entries(options.handlers ?? {}).map(([state, handler]) => [
      state,
      (payload: JsonValue) => {
        try {
          const result = handler(payload);
          taskCalls.push({ state, payload, result });
          return result;
        } catch (error) {
          const failure = error as Error;
          taskCalls.push({
            state,
            payload,
            error: { errorType: failure.name, errorMessage: failure.message },
          });
          const reported = new Error(
            JSON.stringify({ errorType: failure.name, errorMessage: failure.message, trace: [] }),
          );
          reported.name = failure.name;
          throw reported;
        }
      },
    ]),
  );
  // A still clock: $$.Execution.StartTime is exactly START_TIME.
  const clock = FakeTimers.install({ now: Date.parse(START_TIME), toFake: ['Date'] });
  try {
    const machine = new StateMachine(definition, { validationOptions: { noValidate: true } });
    // Retry intervals and Waits pass at once here too (the runner has a virtual clock instead).
    const instant = Object.fromEntries(Object.keys(definition.States).map((name) => [name, 0]));
    const execution = machine.run(input, {
      overrides: {
        taskResourceLocalHandlers: handlers,
        retryIntervalOverrides: instant,
        waitTimeOverrides: instant,
      },
      context: { Execution: { Id: executionArn, Name: executionName } },
    });
    await execution.result.catch(() => undefined);
    for await (const event of execution.eventLogs) recordEvent(recording, event);
  } finally {
    clock.uninstall();
  }
  return {
    id,
    definition,
    input,
    executionName,
    executionArn,
    startTime: options.startTime === null ? null : (options.startTime ?? START_TIME),
    tasks: taskCalls,
    expected: {
      states: recording.states,
      status: recording.status ?? 'RUNNING',
      output: recording.output ?? null,
      error: recording.error ?? null,
      cause: recording.cause ?? null,
    },
  };
}

/** A one-Task definition around `task` (Resource set), then a Pass that ends it. */
export function oneTask(task: Record<string, unknown>): StateMachineDefinition {
  return {
    StartAt: 'Step',
    States: {
      Step: { Type: 'Task', Resource: LAMBDA_ARN, ...task, Next: 'Done' },
      Done: { Type: 'Pass', End: true },
    },
  } as StateMachineDefinition;
}
