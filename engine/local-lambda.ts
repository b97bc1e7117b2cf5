import type { StateMachineDefinition } from 'aws-local-stepfunctions';
import { invokeFunction, type InvocationSettings, type JsonValue } from './lambda-invocation.js';
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
  readonly Branches?: readonly { States: Record<string, AslState> }[];
  readonly ItemProcessor?: { States: Record<string, AslState> };
  readonly Iterator?: { States: Record<string, AslState> };
}

/** Every Task state, at any depth (Map and Parallel included), with its Resource. */
function taskStates(states: Record<string, AslState>, out = new Map<string, string>()): Map<string, string> {
  for (const [name, state] of Object.entries(states)) {
    if (state.Type === 'Task' && state.Resource !== undefined) out.set(name, state.Resource);
    for (const branch of state.Branches ?? []) taskStates(branch.States, out);
    const processor = state.ItemProcessor ?? state.Iterator;
    if (processor) taskStates(processor.States, out);
  }
  return out;
}

/** Every Task state of `definition`, at any depth, with its Resource. */
export const taskStateResources = (definition: StateMachineDefinition): Map<string, string> =>
  taskStates(definition.States as Record<string, AslState>);

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
    // No getRemainingTimeInMillis: middy would arm its early-timeout timer with node:timers,
    // which the virtual clock does not control, and a real 60 s timer would hold the process.
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
    ([stateName, resource]) => {
      const handler = handlerFor(resource);
      if (handler === undefined)
        throw new Error(`Task "${stateName}" has Resource ${resource}, which no local handler serves`);
      return {
        stateName,
        resource,
        handler: handler as (event: unknown, context: unknown) => Promise<unknown>,
      };
    },
  );
  return (executionArn, settings) => {
    const handlers: LocalHandlers = {};
    for (const { stateName, resource, handler } of tasks) {
      // The engine hands each Task a payload it built from a clone of the state, so the input
      // needs no copy (the step inputs are readonly types besides).
      handlers[stateName] = (input) =>
        runAsExecution(executionArn, () =>
          invokeFunction(
            stateName,
            { handler, context: lambdaContext(resource) },
            input,
            settings,
            record === undefined ? undefined : (call) => record(executionArn, call),
          ),
        );
    }
    return handlers;
  };
}
