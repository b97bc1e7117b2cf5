import type { StateMachine, StateMachineDefinition } from 'aws-local-stepfunctions';
import type { TaskRecorder } from './recording.js';
import { runAsExecution } from './sim/execution-context.js';
import { STEP_HANDLERS, type StepHandler, type SubstitutionVariable } from './step-registry.js';

/**
 * The ASL's Task states served in-process by the real step handlers, as Lambda would run them:
 * a warm invocation's latency, input and output round-tripped through JSON, errors reported the
 * way Step Functions reports a Lambda function error.
 */

export type JsonValue = Parameters<StateMachine['run']>[0];

/** A warm Lambda invocation's overhead, in simulated milliseconds. */
const INVOKE_LATENCY_MS = 25;

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

/**
 * Step Functions reports a Lambda function error with the function's `errorType` as the error
 * code and `{"errorType","errorMessage",...}` as the cause; mirror that so the notify step
 * parses the same Cause locally as in AWS.
 */
class LambdaFunctionError extends Error {
  public readonly reported: { readonly errorType: string; readonly errorMessage: string };
  public constructor(error: unknown) {
    const errorType = error instanceof Error ? error.name : 'Error';
    const errorMessage = error instanceof Error ? error.message : String(error);
    super(JSON.stringify({ errorType, errorMessage, trace: [] }));
    this.name = errorType;
    this.reported = { errorType, errorMessage };
  }
}

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
 * Resolves every Task state of `definition` to its step handler once; the returned function
 * builds the handlers of one execution, whose AWS calls are then logged with that execution's
 * ARN (see sim/execution-context.ts).
 */
export function localHandlerFactory(
  definition: StateMachineDefinition,
  arns: ReadonlyMap<string, SubstitutionVariable>,
  record?: TaskRecorder,
): (executionArn: string) => LocalHandlers {
  const tasks = [...taskStates(definition.States as Record<string, AslState>)].map(
    ([stateName, resource]) => {
      const variable = arns.get(resource);
      if (variable === undefined)
        throw new Error(`Task "${stateName}" has Resource ${resource}, which no local handler serves`);
      const handler = STEP_HANDLERS[variable].handler as StepHandler as (
        event: unknown,
        context: unknown,
      ) => Promise<unknown>;
      return { stateName, resource, handler };
    },
  );
  return (executionArn) => {
    const handlers: LocalHandlers = {};
    for (const { stateName, resource, handler } of tasks) {
      handlers[stateName] = (input) =>
        runAsExecution(executionArn, async () => {
          await new Promise((resolve) => setTimeout(resolve, INVOKE_LATENCY_MS));
          // Copied before the handler runs, so the record holds exactly what the Task sent.
          const payload = record ? (JSON.parse(JSON.stringify(input)) as JsonValue) : input;
          try {
            // The engine hands each Task a payload it built from a clone of the state, so the
            // input needs no copy (the step inputs are readonly types besides). The output goes
            // through JSON as Lambda's does: no Date or undefined leaks into the state.
            const output = await handler(input, lambdaContext(resource));
            const result = JSON.parse(JSON.stringify(output ?? null)) as JsonValue;
            record?.(executionArn, { state: stateName, payload, result });
            return result;
          } catch (error) {
            const failure = new LambdaFunctionError(error);
            record?.(executionArn, { state: stateName, payload, error: failure.reported });
            throw failure;
          }
        });
    }
    return handlers;
  };
}
