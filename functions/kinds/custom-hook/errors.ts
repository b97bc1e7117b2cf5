import { FailoverError } from '../../common/errors.js';

/** A blocking hook failed every attempt the plan allows: the failover stops before the Route phase. */
export class HookFailedError extends FailoverError {
  public constructor(message: string) {
    super(message);
    this.name = 'HookFailedError';
  }
}
