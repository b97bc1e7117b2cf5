import { FailoverError } from '../../common/errors.js';

/** The global cluster does not exist, or the plan's recovery cluster is not one of its members. */
export class GlobalClusterNotFoundError extends FailoverError {
  public constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'GlobalClusterNotFoundError';
  }
}

/**
 * RDS refused the switchover or failover (InvalidGlobalClusterStateFault,
 * InvalidDBClusterStateFault…), or it was cancelled: a person must look, retrying will not help.
 */
export class GlobalFailoverRefusedError extends FailoverError {
  public constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'GlobalFailoverRefusedError';
  }
}

/** The recovery cluster did not become the writer within the plan's failoverTimeoutSeconds. */
export class GlobalFailoverTimeoutError extends FailoverError {
  public constructor(message: string) {
    super(message);
    this.name = 'GlobalFailoverTimeoutError';
  }
}
