import type { ResponseMetadata } from '@smithy/types';
import type { SimulatedServiceSpec } from './kind-model.js';

/**
 * Errors exactly as the SDK would surface them: modeled errors are instances of the client
 * package's own exception class (so `instanceof` and `err.name` checks in handlers work), and
 * unmodeled ones (Throttling, InternalFailure, AccessDenied, ValidationError…) are the service's
 * base exception with `name` = the wire code, which is what the SDK's deserializer produces.
 */

/** The SDK exception shape the simulated transport throws. */
export interface SimulatedServiceError extends Error {
  readonly $fault: 'client' | 'server';
  $metadata: ResponseMetadata;
}

/** What goes wrong, independent of how the SDK represents it. */
export interface ErrorSpec {
  /** The SDK `name`: a modeled shape name or, for unmodeled errors, the wire code. */
  readonly name: string;
  readonly status: number;
  readonly message: string;
  /** Other members of a modeled error, e.g. the `Item` of a ConditionalCheckFailedException. */
  readonly details?: Readonly<Record<string, unknown>>;
}

/** Builds the error the SDK would throw for `spec` from `service`. */
export function sdkError(
  service: SimulatedServiceSpec,
  spec: ErrorSpec,
  requestId: string,
): SimulatedServiceError {
  const $metadata: ResponseMetadata = {
    httpStatusCode: spec.status,
    requestId,
    attempts: 1,
    totalRetryDelay: 0,
  };
  const Modeled = service.modeledErrors[spec.name];
  if (Modeled)
    return new Modeled({ ...spec.details, message: spec.message, Message: spec.message, $metadata });
  const $fault = spec.status >= 500 ? 'server' : 'client';
  return new service.baseException({ name: spec.name, $fault, message: spec.message, $metadata });
}

/** Thrown by a service model for a business error; the transport turns it into the SDK error. */
export class SimulatedFailure extends Error {
  public readonly spec: ErrorSpec;
  public constructor(spec: ErrorSpec) {
    super(spec.message);
    this.name = 'SimulatedFailure';
    this.spec = spec;
  }
}

/** Shorthand for a model to fail a call: `throw fail('DBInstanceNotFoundFault', 404, '…')`. */
export const fail = (
  name: string,
  status: number,
  message: string,
  details?: Readonly<Record<string, unknown>>,
): SimulatedFailure => new SimulatedFailure({ name, status, message, ...(details ? { details } : {}) });

/** The error the SDK's node HTTP handler raises when a request exceeds its timeout. */
export function timeoutError(timeoutMs: number): Error {
  const error = new Error(
    `@smithy/node-http-handler - a request has exceeded the configured ${timeoutMs} ms requestTimeout.`,
  );
  error.name = 'TimeoutError';
  return Object.assign(error, { code: 'ETIMEDOUT' });
}

/**
 * The SDK's standard retry strategy retries throttling codes, transient codes (TimeoutError) and
 * HTTP 500/502/503/504 (smithy service-error-classification; see aws-fixtures/SOURCES.md).
 */
const THROTTLING = new Set([
  'BandwidthLimitExceeded',
  'EC2ThrottledException',
  'LimitExceededException',
  'PriorRequestNotComplete',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'SlowDown',
  'ThrottledException',
  'Throttling',
  'ThrottlingException',
  'TooManyRequestsException',
  'TransactionInProgressException',
]);
const TRANSIENT = new Set(['TimeoutError', 'RequestTimeout', 'RequestTimeoutException']);
const TRANSIENT_STATUS = new Set([500, 502, 503, 504]);

export const isThrottling = (error: Error): boolean => THROTTLING.has(error.name);

export function isRetryable(error: Error): boolean {
  if (isThrottling(error) || TRANSIENT.has(error.name)) return true;
  const status = (error as Partial<SimulatedServiceError>).$metadata?.httpStatusCode;
  return status !== undefined && (TRANSIENT_STATUS.has(status) || status === 429);
}

/**
 * A required input member. The SDK types mark members `| undefined`; the service rejects a
 * missing one with a 400 validation error (`ValidationError` on query protocols,
 * `ValidationException` on SSM's JSON protocol).
 */
export function required<T>(value: T | undefined, member: string, errorName = 'ValidationError'): T {
  if (value === undefined || value === null || value === '') {
    throw fail(
      errorName,
      400,
      `1 validation error detected: Value null at '${member}' failed to satisfy constraint: Member must not be null`,
    );
  }
  return value;
}
