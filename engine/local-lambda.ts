import type { StateMachineDefinition } from 'aws-local-stepfunctions';
import { LAMBDA_CALLBACK_RESOURCE } from '../state-machines/approval-states.js';
import {
  invokeFunction,
  LambdaInvocationError,
  type InvocationSettings,
  type JsonValue,
} from './lambda-invocation.js';
import type { TaskRecorder } from './recording.js';
import { runAsExecution } from './sim/execution-context.js';

/**
 * The ASL's Task states served in-process by the real step handlers, as Lambda would run them
 * (engine/lambda-invocation.ts: a warm invocation's latency, input and output round-tripped
 * through JSON, errors reported the way Step Functions reports Lambda's, and AWS's limits).
 */

export type { JsonValue } from './lambda-invocation.js';

/** A Lambda handler as the local engine calls it. */
export type LocalStepHandler = (event: never, context: never) => Promise<unknown>;

interface AslState {
  readonly Type: string;
  readonly Resource?: string;
  readonly Parameters?: { readonly FunctionName?: unknown };
  readonly TimeoutSeconds?: number;
  readonly Branches?: readonly { States: Record<string, AslState> }[];
  readonly ItemProcessor?: { States: Record<string, AslState> };
  readonly Iterator?: { States: Record<string, AslState> };
}

/** A Task state's function, and for the callback pattern how long it waits for its token. */
interface TaskFunction {
  readonly resource: string;
  /** `lambda:invoke.waitForTaskToken`: the Task's TimeoutSeconds (aws-local-stepfunctions' default 60). */
  readonly callbackTimeoutSeconds?: number;
}

/**
 * Every Task state, at any depth (Map and Parallel included), with the function it invokes: its
 * Resource, or for the callback pattern on Lambda its Parameters.FunctionName.
 */
function taskStates(
  states: Record<string, AslState>,
  out = new Map<string, TaskFunction>(),
): Map<string, TaskFunction> {
  for (const [name, state] of Object.entries(states)) {
    if (state.Type === 'Task' && state.Resource === LAMBDA_CALLBACK_RESOURCE) {
      const functionName = state.Parameters?.FunctionName;
      if (typeof functionName !== 'string')
        throw new Error(`Task "${name}" waits for a task token but names no Parameters.FunctionName`);
      out.set(name, { resource: functionName, callbackTimeoutSeconds: state.TimeoutSeconds ?? 60 });
    } else if (state.Type === 'Task' && state.Resource !== undefined)
      out.set(name, { resource: state.Resource });
    for (const branch of state.Branches ?? []) taskStates(branch.States, out);
    const processor = state.ItemProcessor ?? state.Iterator;
    if (processor) taskStates(processor.States, out);
  }
  return out;
}

/** Every Task state of `definition`, at any depth, with the function it invokes. */
export const taskStateResources = (definition: StateMachineDefinition): Map<string, string> =>
  new Map(
    [...taskStates(definition.States as Record<string, AslState>)].map(([name, task]) => [
      name,
      task.resource,
    ]),
  );

/** The names of every Task state of `definition`, at any depth. */
export const taskStateNames = (definition: StateMachineDefinition): Set<string> =>
  new Set(taskStateResources(definition).keys());

function lambdaContext(functionName: string) {
  return {
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: functionName,
    memoryLimitInMB: '256',
    awsRequestId: `local-${Math.random().toString(16).slice(2, 10)}`,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    callbackWaitsForEmptyEventLoop: false,
    // getRemainingTimeInMillis is added per invocation (lambda-invocation.ts), by the virtual
    // clock; the step handlers turn middy's early-timeout timer (node:timers, real time) off.
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

export type LocalHandlers = Record<string, (input: JsonValue) => Promise<JsonValue>>;

/**
 * Resolves every Task state of `definition` to its handler once (`handlerFor` maps a Resource to
 * the handler serving it); the returned function builds the handlers of one execution, whose AWS
 * calls are then logged with that execution's ARN (see sim/execution-context.ts).
 */
export function localHandlerFactory(
  definition: StateMachineDefinition,
  handlerFor: (resource: string) => LocalStepHandler | undefined,
  record?: TaskRecorder,
): (executionArn: string, settings: InvocationSettings) => LocalHandlers {
  const tasks = [...taskStates(definition.States as Record<string, AslState>)].map(
    ([stateName, { resource, callbackTimeoutSeconds }]) => {
      const handler = handlerFor(resource);
      if (handler === undefined)
        throw new Error(`Task "${stateName}" has Resource ${resource}, which no local handler serves`);
      return {
        stateName,
        resource,
        callbackTimeoutSeconds,
        handler: handler as (event: unknown, context: unknown) => Promise<unknown>,
      };
    },
  );
  return (executionArn, settings) => {
    const handlers: LocalHandlers = {};
    for (const { stateName, resource, handler, callbackTimeoutSeconds } of tasks) {
      // The engine hands each Task a payload it built from a clone of the state, so the input
      // needs no copy (the step inputs are readonly types besides).
      const invoke = (payload: JsonValue) =>
        runAsExecution(executionArn, () =>
          invokeFunction(
            stateName,
            { handler, context: lambdaContext(resource) },
            payload,
            settings,
            record === undefined ? undefined : (call) => record(executionArn, call),
          ),
        );
      handlers[stateName] =
        callbackTimeoutSeconds === undefined
          ? invoke
          : (input) =>
              waitForTaskToken(stateName, executionArn, callbackTimeoutSeconds, input, invoke, settings);
    }
    return handlers;
  };
}

/**
 * A Task of the callback pattern on Lambda, as Step Functions runs it: invoke the function with
 * the Parameters' `Payload` (its result is ignored; its errors fail the Task as a Lambda Task's
 * do), then wait until SendTaskSuccess (the Task's result) or SendTaskFailure (the Task's error)
 * names the token. Its TimeoutSeconds, counted from when the Task was entered, is the engine's
 * own timer (States.Timeout); the simulated Step Functions closes the token at the same moment.
 */
async function waitForTaskToken(
  stateName: string,
  executionArn: string,
  timeoutSeconds: number,
  input: JsonValue,
  invoke: (payload: JsonValue) => Promise<JsonValue>,
  settings: InvocationSettings,
): Promise<JsonValue> {
  const deadlineMs = Date.now() + timeoutSeconds * 1_000;
  const { callbacks } = settings;
  if (callbacks === undefined)
    throw new Error(`Task "${stateName}" waits for a task token: no Step Functions to answer it`);
  const payload = ((input ?? {}) as { Payload?: JsonValue }).Payload ?? {};
  const token = callbacks.tokenIn(payload);
  if (token === undefined)
    throw new Error(`Task "${stateName}" waits for a task token but its Payload holds none`);
  await invoke(payload);
  const answer = await callbacks.waitForAnswer({ token, executionArn, stateName, deadlineMs });
  if ('error' in answer) throw new LambdaInvocationError(answer.error.name, answer.error.cause);
  return answer.output as JsonValue;
}
