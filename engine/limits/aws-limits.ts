/**
 * The AWS hard limits the local engine enforces, and the errors AWS reports when one is hit.
 * Every number and name here is AWS's own; the comments say where it is documented.
 */

/**
 * Step Functions Standard: "Maximum input or output size for a task, state, or execution:
 * 262,144 bytes of data as a UTF-8 encoded string. This quota affects tasks (activity, Lambda
 * function, or integrated service), state or execution output, and input data when scheduling a
 * task, entering a state, or starting an execution."
 * (https://docs.aws.amazon.com/step-functions/latest/dg/limits.html, "Quotas related to task executions")
 */
export const PAYLOAD_LIMIT_BYTES = 262_144;

/**
 * Reported when a connector's output, a state's output, or a state's input after `Parameters`
 * is over the payload quota. "A terminal error that can't be caught by the States.ALL error
 * type" (https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html,
 * "States.DataLimitExceeded"). The docs call it terminal and document no catcher that takes
 * it, so the engine ends the execution without consulting any Catch (explicit
 * `ErrorEquals: ["States.DataLimitExceeded"]` included) — the cautious reading: a replay that
 * relies on catching it would pass locally and might not in AWS.
 */
export const DATA_LIMIT_EXCEEDED = 'States.DataLimitExceeded';

/**
 * Step Functions Standard: "Maximum execution history size: 25,000 events. If the execution
 * history reaches this quota, the execution will fail." When an execution has 24,999 events, the
 * next one decides: event 25,000 may be ExecutionSucceeded; anything else is replaced by
 * ExecutionFailed (https://docs.aws.amazon.com/step-functions/latest/dg/bp-history-limit.html).
 */
export const HISTORY_EVENT_LIMIT = 25_000;

/**
 * The ExecutionFailed AWS logs at the history quota: error `States.Runtime`, cause
 * "The execution reached the maximum number of history events (25000)." (the text AWS
 * writes, as quoted from real executions in public issue threads).
 */
export const HISTORY_LIMIT_ERROR = 'States.Runtime';
export const HISTORY_LIMIT_CAUSE = `The execution reached the maximum number of history events (${HISTORY_EVENT_LIMIT}).`;

/**
 * An inline Map "supports up to 40 concurrent iterations"; MaxConcurrency 0 (the default) means
 * as many as possible, which is 40 inline
 * (https://docs.aws.amazon.com/step-functions/latest/dg/state-map-inline.html).
 */
export const INLINE_MAP_MAX_CONCURRENCY = 40;

/**
 * Lambda: "Invocation payload (request and response): 6 MB each for request and response
 * (synchronous)" (https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html).
 * A larger response fails the invocation as an unhandled function error of type
 * `Function.ResponseSizeTooLarge`; Lambda's message prints the limit as 6291556 (sic).
 */
export const LAMBDA_RESPONSE_LIMIT_BYTES = 6_291_456;
export const RESPONSE_TOO_LARGE = 'Function.ResponseSizeTooLarge';
export const RESPONSE_TOO_LARGE_MESSAGE =
  'Response payload size exceeded maximum allowed payload size (6291556 bytes).';

/**
 * A function that runs past its timeout is stopped by Lambda and the invocation fails as an
 * unhandled error of type `Sandbox.Timedout`, message "RequestId: <id> Error: Task timed out
 * after 60.00 seconds" (https://docs.aws.amazon.com/lambda/latest/dg/troubleshooting-invocation.html,
 * "Sandbox.Timedout"). Step Functions reports the function's errorType as the error: a
 * `Lambda.ServiceException` retrier does not take it; `States.TaskFailed` and `States.ALL` do
 * (https://docs.aws.amazon.com/step-functions/latest/dg/bp-lambda-serviceexception.html, which
 * also calls unhandled function errors, timeouts included, `Lambda.Unknown` in older runtimes).
 */
export const FUNCTION_TIMED_OUT = 'Sandbox.Timedout';
export const functionTimeoutMessage = (requestId: string, timeoutSeconds: number): string =>
  `RequestId: ${requestId} Error: Task timed out after ${timeoutSeconds.toFixed(2)} seconds`;

/** UTF-8 bytes of a JSON text, as Step Functions measures a payload. */
export const utf8Bytes = (json: string): number => Buffer.byteLength(json, 'utf8');

/** The cause of a States.DataLimitExceeded, naming the state, what was too large and by how much. */
export const dataLimitCause = (stateName: string, what: string, bytes: number): string =>
  `The ${what} of state "${stateName}" is ${bytes} bytes, over the ${PAYLOAD_LIMIT_BYTES}-byte payload limit of Step Functions.`;

export const executionInputCause = (bytes: number): string =>
  `The execution input is ${bytes} bytes, over the ${PAYLOAD_LIMIT_BYTES}-byte payload limit of Step Functions.`;
