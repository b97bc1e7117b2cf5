import { FailoverError } from '../common/errors.js';

/** This execution no longer holds the plan's failover lock, so it must not start changing anything. */
export class LockLostError extends FailoverError {
  public constructor(message: string) {
    super(message);
    this.name = 'LockLostError';
  }
}

/** The lock item kept changing under this execution (many writers at once): it gave up rather than guess. */
export class LockContentionError extends FailoverError {
  public constructor(message: string) {
    super(message);
    this.name = 'LockContentionError';
  }
}

/** The lock step was called with an input the ASL never builds. */
export class InvalidLockRequestError extends FailoverError {
  public constructor(message: string) {
    super(message);
    this.name = 'InvalidLockRequestError';
  }
}
