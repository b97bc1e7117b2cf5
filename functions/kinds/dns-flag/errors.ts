import { FailoverError } from '../../common/errors.js';

/** The flag's alarm did not follow the published value within the plan's `flipTimeoutSeconds`. */
export class DnsFlagTimeoutError extends FailoverError {
  public constructor(message: string) {
    super(message);
    this.name = 'DnsFlagTimeoutError';
  }
}
