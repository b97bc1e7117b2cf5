import { FailoverError } from '../../common/errors.js';

/** ARC refused the change (a safety rule, or a request it rejects): nothing was switched. */
export class RoutingControlRefusedError extends FailoverError {
  public constructor(message: string) {
    super(message);
    this.name = 'RoutingControlRefusedError';
  }
}

/** None of the cluster's endpoints answered (each unavailable, throttled, failing or unreachable). */
export class ArcEndpointsUnavailableError extends FailoverError {
  public constructor(message: string) {
    super(message);
    this.name = 'ArcEndpointsUnavailableError';
  }
}

/** The controls did not show their target states within the plan's `timeoutSeconds`. */
export class RoutingControlTimeoutError extends FailoverError {
  public constructor(message: string) {
    super(message);
    this.name = 'RoutingControlTimeoutError';
  }
}
