import { FailoverError } from '../../common/errors.js';

/** The plan's Global Datastore, or its recovery member, is not what the plan says. */
export class GlobalDatastoreNotFoundError extends FailoverError {
  public constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'GlobalDatastoreNotFoundError';
  }
}

/**
 * ElastiCache refused FailoverGlobalReplicationGroup (InvalidGlobalReplicationGroupStateFault: "The
 * Global datastore is not available or in primary-only state", e.g. while a modification is under
 * way), and the datastore does not show the recovery group as primary.
 */
export class GlobalFailoverRefusedError extends FailoverError {
  public constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'GlobalFailoverRefusedError';
  }
}

/** The recovery group did not become an available primary within `failoverTimeoutSeconds`. */
export class GlobalFailoverTimeoutError extends FailoverError {
  public constructor(message: string) {
    super(message);
    this.name = 'GlobalFailoverTimeoutError';
  }
}

/** The Global Datastore stayed in a status FailoverGlobalReplicationGroup refuses (not `available`). */
export class GlobalDatastoreNotReadyError extends FailoverError {
  public constructor(message: string) {
    super(message);
    this.name = 'GlobalDatastoreNotReadyError';
  }
}
