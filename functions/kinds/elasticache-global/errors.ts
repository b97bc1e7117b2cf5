import { FailoverError } from '../../common/errors.js';

// Shared by the kinds that fail a global database or datastore over (functions/common/errors.ts).
export { GlobalFailoverRefusedError, GlobalFailoverTimeoutError } from '../../common/errors.js';

/** The plan's Global Datastore, or its recovery member, is not what the plan says. */
export class GlobalDatastoreNotFoundError extends FailoverError {
  public constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'GlobalDatastoreNotFoundError';
  }
}

/** The Global Datastore stayed in a status FailoverGlobalReplicationGroup refuses (not `available`). */
export class GlobalDatastoreNotReadyError extends FailoverError {
  public constructor(message: string) {
    super(message);
    this.name = 'GlobalDatastoreNotReadyError';
  }
}
