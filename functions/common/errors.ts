/**
 * Every error the failover steps raise on purpose. A Lambda error's `name` becomes the
 * Step Functions error code, so each `name` here is exactly the string the ASL's
 * `ErrorEquals` lists (state-machines/failover.asl.json).
 */
export class FailoverError extends Error {
  public constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'FailoverError';
  }
}

export interface PlanIssue {
  /** Where the problem is, e.g. `databases[1].maxLagSeconds`. */
  readonly path: string;
  readonly message: string;
}

/** The plan file is unreadable or invalid. Lists every problem at once. */
export class PlanValidationError extends FailoverError {
  public readonly issues: readonly PlanIssue[];
  public constructor(issues: readonly PlanIssue[], source = 'plan') {
    super(
      `${source} is invalid (${issues.length} problem${issues.length === 1 ? '' : 's'}):\n` +
        issues.map((issue) => `  - ${issue.path || '(root)'}: ${issue.message}`).join('\n'),
    );
    this.name = 'PlanValidationError';
    this.issues = issues;
  }
}

/** The execution input is neither an alarm state-change event nor a manual drill request. */
export class InvalidTriggerError extends FailoverError {
  public constructor(message: string) {
    super(message);
    this.name = 'InvalidTriggerError';
  }
}

/** Replica lag stayed above the plan's threshold for the whole lag wait and the policy is `abort`. */
export class ReplicaLagExceededError extends FailoverError {
  public constructor(message: string) {
    super(message);
    this.name = 'ReplicaLagExceededError';
  }
}

/** The ReplicaLag metric had no datapoint: replication may be broken, so the RPO cannot be judged. */
export class ReplicaLagUnknownError extends FailoverError {
  public constructor(message: string) {
    super(message);
    this.name = 'ReplicaLagUnknownError';
  }
}

/** The plan's replica does not exist in the recovery region. */
export class ReplicaNotFoundError extends FailoverError {
  public constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ReplicaNotFoundError';
  }
}

/** The instance is in a state from which it cannot be promoted (e.g. `failed`, `storage-full`). */
export class PromotionFailedError extends FailoverError {
  public constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PromotionFailedError';
  }
}

/** The replica did not become a standalone, available instance within the plan's timeout. */
export class PromotionTimeoutError extends FailoverError {
  public constructor(message: string) {
    super(message);
    this.name = 'PromotionTimeoutError';
  }
}

/** The plan's Auto Scaling group does not exist in the recovery region. */
export class ScalingGroupNotFoundError extends FailoverError {
  public constructor(message: string) {
    super(message);
    this.name = 'ScalingGroupNotFoundError';
  }
}

/** The group did not reach enough InService instances within the plan's timeout. */
export class GroupCapacityTimeoutError extends FailoverError {
  public constructor(message: string) {
    super(message);
    this.name = 'GroupCapacityTimeoutError';
  }
}

/** A parameter value template names an output that the failover did not produce. */
export class ParameterTemplateError extends FailoverError {
  public constructor(message: string) {
    super(message);
    this.name = 'ParameterTemplateError';
  }
}

/**
 * A notification's Publish never answered (a timeout, a lost connection), so it may or may not
 * have gone out, and publishing again could send it twice. The step stops here instead; the
 * execution then ends FAILED, which the orchestrator's own execution alarm reports to the same
 * topic (infra/execution-alarm.ts): people hear of it either way, and never twice from us.
 */
export class NotificationUnconfirmedError extends FailoverError {
  public constructor(message: string) {
    super(message);
    this.name = 'NotificationUnconfirmedError';
  }
}

/** Returns a one-line description of any thrown value, for logs and notifications. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

/**
 * The service refused a global failover or switchover (RDS InvalidGlobalClusterStateFault /
 * InvalidDBClusterStateFault, ElastiCache InvalidGlobalReplicationGroupStateFault…), or it was
 * cancelled: a person must look, retrying will not help.
 */
export class GlobalFailoverRefusedError extends FailoverError {
  public constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'GlobalFailoverRefusedError';
  }
}

/** The recovery side did not become the writer / primary within the plan's failoverTimeoutSeconds. */
export class GlobalFailoverTimeoutError extends FailoverError {
  public constructor(message: string) {
    super(message);
    this.name = 'GlobalFailoverTimeoutError';
  }
}

/**
 * Failback (issue 10) refused before any change: no failover to undo, fencing still pending, or the
 * home replicas' lag not settled under `failback.maxLagSeconds`. The message says why, in words.
 */
export class FailbackRefusedError extends FailoverError {
  public constructor(message: string) {
    super(message);
    this.name = 'FailbackRefusedError';
  }
}

/** A re-protection replica could not be created, or was not available and replicating in time. */
export class ReprotectionFailedError extends FailoverError {
  public constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ReprotectionFailedError';
  }
}
