import { FailoverError } from '../../common/errors.js';

/** The ECS service (or its cluster) is not in the recovery region. */
export class EcsServiceNotFoundError extends FailoverError {
  public constructor(message: string) {
    super(message);
    this.name = 'EcsServiceNotFoundError';
  }
}

/** The service did not run the plan's tasks with a steady deployment within steadyTimeoutSeconds. */
export class EcsServiceTimeoutError extends FailoverError {
  public constructor(message: string) {
    super(message);
    this.name = 'EcsServiceTimeoutError';
  }
}

/** ECS marked the service's deployment FAILED (deployment circuit breaker): waiting will not help. */
export class EcsDeploymentFailedError extends FailoverError {
  public constructor(message: string) {
    super(message);
    this.name = 'EcsDeploymentFailedError';
  }
}
