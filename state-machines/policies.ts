/**
 * The one retry policy and the one catch policy the workflow builder applies to every Task.
 * Error names are what Step Functions reports: a Lambda function error's `errorType` (our
 * errors' `name`, the SDK v3 shape names of AWS errors our code does not handle), or the
 * `Lambda.*` names of Lambda's own failures.
 */

/**
 * Lambda service errors worth retrying (Step Functions developer guide, "Handling errors":
 * best practice retrier for Lambda tasks).
 */
export const LAMBDA_SERVICE_ERRORS = [
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
] as const;

/**
 * Throttling, 5xx and timeouts of the AWS APIs the steps call, by the names the SDK v3 gives
 * them, once the SDK's own retries are spent; TooManyUpdates is SSM's PutParameter rate limit.
 */
export const TRANSIENT_AWS_ERRORS = [
  'Throttling',
  'ThrottlingException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'ServiceUnavailable',
  'InternalFailure',
  'InternalError',
  'ResourceContentionFault',
  'TimeoutError',
  'RequestTimeout',
  'InternalServerError',
  'InternalServiceFault',
  'InternalErrorException',
  'ProvisionedThroughputExceededException',
  'TooManyUpdates',
] as const;

export interface Retrier {
  readonly ErrorEquals: readonly string[];
  readonly IntervalSeconds: number;
  readonly MaxAttempts: number;
  readonly BackoffRate: number;
  readonly MaxDelaySeconds?: number;
}

/** Every Task's retriers, in order; a kind may add its own after them. */
export const RETRY_POLICY: readonly Retrier[] = [
  { ErrorEquals: LAMBDA_SERVICE_ERRORS, IntervalSeconds: 1, MaxAttempts: 4, BackoffRate: 2 },
  {
    ErrorEquals: TRANSIENT_AWS_ERRORS,
    IntervalSeconds: 2,
    MaxAttempts: 5,
    BackoffRate: 2,
    MaxDelaySeconds: 30,
  },
];

/**
 * Each Task's own timeout. The construct caps every function's timeout below it (and at the
 * in-flight wait, WAIT_FOR_IN_FLIGHT_SECONDS), so a Task ends with the function's own error
 * rather than States.Timeout while the function still runs.
 */
export const TASK_TIMEOUT_SECONDS = 120;

/**
 * When one branch of a Parallel fails, Step Functions stops the Parallel but cannot stop a
 * Lambda already running in another branch: wait out the functions' timeout before reading
 * back what was done.
 */
export const WAIT_FOR_IN_FLIGHT_SECONDS = 60;

/**
 * Beyond the kinds' own timeouts, what the execution's limit leaves for everything else: the
 * workflow's own steps, retries with back-off, the in-flight wait and the failure notice.
 */
export const EXECUTION_MARGIN_SECONDS = 3_600;
