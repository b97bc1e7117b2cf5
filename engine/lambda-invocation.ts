import type { StateMachine } from 'aws-local-stepfunctions';
import {
  FUNCTION_TIMED_OUT,
  functionTimeoutMessage,
  LAMBDA_RESPONSE_LIMIT_BYTES,
  RESPONSE_TOO_LARGE,
  RESPONSE_TOO_LARGE_MESSAGE,
  utf8Bytes,
} from './limits/aws-limits.js';
import type { ExecutionLimits } from './limits/execution-limits.js';
import type { TaskCall } from './recording.js';
import { runInSandbox, type InvocationSandbox } from './sim/execution-context.js';
import type { LambdaFaultInjector } from './sim/lambda-faults.js';
import type { LambdaFaultKind } from './sim/scenario.js';
import type { SimulatedStepFunctions } from './sim/sfn.js';

/**
 * One Lambda invocation of a Task state, as Lambda and Step Functions run it: Lambda's own
 * faults, the function timeout, the 6 MB response quota, and Step Functions' 256 KB payload quota
 * on the Task's input and result.
 */

export type JsonValue = Parameters<StateMachine['run']>[0];

/** A warm Lambda invocation's overhead, in simulated milliseconds. */
const INVOKE_LATENCY_MS = 25;

/** Lambda's service-side errors: HTTP status and message of the Invoke API error. */
const SERVICE_ERRORS: Readonly<
  Record<Exclude<LambdaFaultKind, 'Sandbox.Timedout'>, readonly [number, string]>
> = {
  'Lambda.ServiceException': [500, 'The AWS Lambda service encountered an internal error.'],
  'Lambda.AWSLambdaException': [502, 'An error occurred while the AWS Lambda service invoked the function.'],
  'Lambda.TooManyRequestsException': [429, 'Rate Exceeded.'],
};

/**
 * An invocation that failed: `name` is the error Step Functions reports (what `ErrorEquals`
 * matches) and `message` its cause. A function error's cause is Lambda's error payload,
 * `{"errorType","errorMessage",...}`, which the notify step parses the same locally as in AWS.
 */
export class LambdaInvocationError extends Error {
  public constructor(name: string, cause: string) {
    super(cause);
    this.name = name;
  }

  /** An unhandled function error: the handler threw, or Lambda failed the function (timeout, oversized response). */
  public static functionError(errorType: string, errorMessage: string, trace?: readonly string[]) {
    return new LambdaInvocationError(
      errorType,
      JSON.stringify({ errorType, errorMessage, ...(trace ? { trace } : {}) }),
    );
  }
}

export interface InvocationSettings {
  /** The function's timeout, in simulated milliseconds. */
  readonly functionTimeoutMs: number;
  readonly faults: LambdaFaultInjector;
  readonly limits: ExecutionLimits;
  /** The simulated Step Functions: the task tokens a callback-pattern Task waits on. */
  readonly callbacks?: Pick<SimulatedStepFunctions, 'tokenIn' | 'waitForAnswer'>;
}

export interface LambdaFunction {
  readonly handler: (event: unknown, context: unknown) => Promise<unknown>;
  /** The Lambda context object the handler receives. */
  readonly context: { readonly awsRequestId: string };
}

/** A promise that never settles: the execution has ended, so the engine must not see this Task end. */
const never = (): Promise<never> => new Promise<never>(() => undefined);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Invokes `fn` for the Task state `stateName`. The effective input (after InputPath and
 * Parameters) and the result are checked against the payload quota here, where the engine hands
 * them over, so that States.DataLimitExceeded ends the execution before any Retry or Catch sees
 * it; an execution already ended by a limit runs nothing more.
 */
export async function invokeFunction(
  stateName: string,
  fn: LambdaFunction,
  input: JsonValue,
  settings: InvocationSettings,
  record?: (call: TaskCall) => void,
): Promise<JsonValue> {
  if (record === undefined) return invokeChecked(stateName, fn, input, settings);
  // Copied before the handler runs, so the record holds exactly what the Task sent.
  const payload = JSON.parse(JSON.stringify(input)) as JsonValue;
  try {
    const result = await invokeChecked(stateName, fn, input, settings);
    record({ state: stateName, payload, result });
    return result;
  } catch (error) {
    record({ state: stateName, payload, error: reportedError(error) });
    throw error;
  }
}

/** The `errorType` and `errorMessage` Step Functions reports for a failed invocation. */
function reportedError(error: unknown): { errorType: string; errorMessage: string } {
  const name = error instanceof Error ? error.name : 'Error';
  const message = error instanceof Error ? error.message : String(error);
  try {
    const parsed = JSON.parse(message) as { errorType?: unknown; errorMessage?: unknown };
    if (typeof parsed.errorType === 'string' && typeof parsed.errorMessage === 'string')
      return { errorType: parsed.errorType, errorMessage: parsed.errorMessage };
  } catch {
    // a service error: its cause is plain text
  }
  return { errorType: name, errorMessage: message };
}

async function invokeChecked(
  stateName: string,
  fn: LambdaFunction,
  input: JsonValue,
  settings: InvocationSettings,
): Promise<JsonValue> {
  const { limits } = settings;
  if (!limits.checkPayload(stateName, 'input', input)) return never();
  const fault = settings.faults.decide(stateName);
  await sleep(INVOKE_LATENCY_MS);
  if (!limits.alive) return never();
  if (fault !== undefined && fault !== FUNCTION_TIMED_OUT) {
    // Throttled or failed by the service: the function never ran.
    const [status, message] = SERVICE_ERRORS[fault];
    const code = fault.slice('Lambda.'.length);
    throw new LambdaInvocationError(
      fault,
      `${message} (Service: Lambda, Status Code: ${status}, Error Code: ${code}, Request ID: ${fn.context.awsRequestId})`,
    );
  }
  const output = await runUntilTimeout(fn, input, settings.functionTimeoutMs, fault === FUNCTION_TIMED_OUT);
  if (!limits.alive) return never();
  // The result goes through JSON as Lambda's does: no Date or undefined leaks into the state.
  const json = JSON.stringify(output ?? null);
  const bytes = utf8Bytes(json);
  // Lambda refuses a response over 6 MB: a function error the definition can retry or catch.
  if (bytes > LAMBDA_RESPONSE_LIMIT_BYTES)
    throw LambdaInvocationError.functionError(RESPONSE_TOO_LARGE, RESPONSE_TOO_LARGE_MESSAGE);
  // Step Functions refuses a result over 256 KB: terminal, no Retry, no Catch.
  if (!limits.checkPayload(stateName, 'result', output, json)) return never();
  return JSON.parse(json) as JsonValue;
}

/**
 * Runs the handler in its own sandbox, racing the function timeout. At the timeout the sandbox
 * freezes: the handler's promise cannot be stopped, but every AWS call it would still make is
 * refused (engine/sim/transport.ts), and how it ends is ignored. `timesOut` is an injected
 * timeout: the handler runs to its end (its changes to the cloud stand) and the invocation still
 * fails at the timeout, as a function that hung after its work would.
 */
async function runUntilTimeout(
  fn: LambdaFunction,
  input: JsonValue,
  timeoutMs: number,
  timesOut: boolean,
): Promise<unknown> {
  const box: InvocationSandbox = { frozen: false };
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      box.frozen = true;
      reject(
        LambdaInvocationError.functionError(
          FUNCTION_TIMED_OUT,
          functionTimeoutMessage(fn.context.awsRequestId, timeoutMs / 1_000),
        ),
      );
    }, timeoutMs);
  });
  // Lambda's context tells the handler its time left; here by the virtual clock.
  const started = Date.now();
  const context = {
    ...fn.context,
    getRemainingTimeInMillis: () => Math.max(0, started + timeoutMs - Date.now()),
  };
  const running = runInSandbox(box, () => fn.handler(input, context)).then(
    (output) => output,
    (error: unknown) => {
      throw LambdaInvocationError.functionError(
        error instanceof Error ? error.name : 'Error',
        error instanceof Error ? error.message : String(error),
        [],
      );
    },
  );
  // A frozen handler may still settle, or fail on its refused calls: nobody is waiting for it.
  running.catch(() => undefined);
  try {
    const output = await Promise.race([running, deadline]);
    if (timesOut) await deadline;
    return output;
  } finally {
    clearTimeout(timer);
  }
}
