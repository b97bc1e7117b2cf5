import { FailoverError } from '../../common/errors.js';

// Shared by the kinds that fail a global database or datastore over (functions/common/errors.ts).
export { GlobalFailoverRefusedError, GlobalFailoverTimeoutError } from '../../common/errors.js';

/** The global cluster does not exist, or the plan's recovery cluster is not one of its members. */
export class GlobalClusterNotFoundError extends FailoverError {
  public constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'GlobalClusterNotFoundError';
  }
}
