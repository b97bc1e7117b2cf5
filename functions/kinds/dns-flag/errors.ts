import { FailoverError } from '../../common/errors.js';

/** The flag's alarm did not follow the published value within the plan's `flipTimeoutSeconds`. */
export class DnsFlagTimeoutError extends FailoverError {
  public constructor(message: string) {
    super(message);
    this.name = 'DnsFlagTimeoutError';
  }
}

/** The flag's alarm is gone from the recovery region while the flag was being flipped: Route 53 cannot follow. */
export class DnsFlagAlarmNotFoundError extends FailoverError {
  public constructor(message: string) {
    super(message);
    this.name = 'DnsFlagAlarmNotFoundError';
  }
}
