import type { KindSummary } from '../kinds/kind-step.js';
import type { DetectionSource } from '../validate-trigger/detection.js';
import type { ApprovalDecision, LockDecision, NotificationKind, TriggerDecision } from './vocabulary.js';

/**
 * The shapes that travel between the states of the workflow (state-machines/workflow-builder.ts).
 * Each step's input is what the definition's `Parameters` build; each output lands at the
 * state's `ResultPath`. The state carries references and small facts only: the plan comes with
 * each function's code and everything per resource goes to the failover record
 * (functions/common/failover-record.ts), so a state stays far below Step Functions' 262,144 bytes
 * whatever the plan's size.
 */

/** What started this execution, normalised from an alarm event or a drill request. */
export interface Trigger {
  readonly kind: 'alarm' | 'drill';
  /** The alarm that fired (alarm triggers only). */
  readonly alarmName?: string;
  readonly alarmRegion?: string;
  /** Alarm reason, or the drill's stated reason. */
  readonly reason: string;
  /** When the alarm entered ALARM (or the drill was requested), ISO 8601 UTC. */
  readonly triggeredAt: string;
  /**
   * Alarms only: when the outage began, from the alarm's own data (validate-trigger/detection.ts);
   * the RTO counts from here when known, else from `triggeredAt`.
   */
  readonly outageStartedAt?: string;
  /** Alarms only: what `outageStartedAt` was read from, or `none` (e.g. a composite alarm). */
  readonly detectionSource?: DetectionSource;
  /** Seconds to wait before re-checking the alarm; 0 for drills. */
  readonly confirmSeconds: number;
  /** Read-only run: every mutating step reports what it would do and does nothing. */
  readonly dryRun: boolean;
  readonly requestedBy?: string;
  readonly executionId: string;
}

export interface ValidateTriggerInput {
  readonly event: unknown;
  readonly executionId: string;
  readonly executionStartedAt: string;
}

export type ValidateTriggerOutput =
  | {
      readonly decision: Extract<TriggerDecision, 'proceed'>;
      readonly message: string;
      readonly trigger: Trigger;
    }
  | { readonly decision: Extract<TriggerDecision, 'ignore'>; readonly message: string };

export type { LockDecision };

/** An execution that holds (or held) a plan's failover lock, as another execution saw it. */
export interface LockHolder {
  readonly executionArn: string;
  /** When it took the lock; absent when only known as the execution that handled the same event. */
  readonly acquiredAt?: string;
  readonly dryRun: boolean;
  /** DescribeExecution's status, or NOT_FOUND (ExecutionDoesNotExist); absent when not asked. */
  readonly status?: string;
}

/** The failover lock as this execution knows it: "Acquire Lock" writes it, the later lock states read it. */
export interface FailoverLock {
  readonly decision: LockDecision;
  readonly planName: string;
  readonly tableName: string;
  /** Region of the lock table: the recovery region. */
  readonly region: string;
  /** This execution. */
  readonly executionArn: string;
  readonly dryRun: boolean;
  /** When this execution took the lock (acquired only). */
  readonly acquiredAt?: string;
  /**
   * The lock item's version when this execution took it (acquired only): its fencing token. Every
   * mutating step checks that the lock is still held by this execution at this version.
   */
  readonly version?: number;
  /** duplicate: this event was a plan alarm the running holder had not seen; the holder re-checks it. */
  readonly lateTrigger?: boolean;
  /** acquired: taken from a holder whose confirmation had found every alarm back to OK (it aborts). */
  readonly tookOverFrom?: LockHolder;
  /** A holder that was no longer running, whose lock this execution took over (compare-and-swap). */
  readonly reclaimedFrom?: LockHolder;
  /** A running dry-run drill that this live execution took the lock from, and whether it was stopped. */
  readonly preempted?: LockHolder & { readonly stopped: boolean; readonly stopMessage: string };
  /** duplicate: the running execution that holds the lock, or the one that already handled this event. */
  readonly heldBy?: LockHolder;
  /** When the plan's last live failover started (what the minimum interval counts from). */
  readonly lastFailoverStartedAt?: string;
  /** refused: the earliest time an alarm may start the next failover. */
  readonly nextAllowedAt?: string;
  /** Set by "Record Failover Start": this live failover passed confirmation and now counts for the interval. */
  readonly failoverStartedAt?: string;
  /** refused: the notification that said so. */
  readonly notification?: {
    readonly subject: string;
    readonly messageId: string | null;
    readonly topicArn: string;
  };
  readonly message: string;
}

export type FailoverLockInput =
  | {
      readonly action: 'acquire';
      readonly trigger: Trigger;
      readonly executionId: string;
    }
  | { readonly action: 'record-start'; readonly lock: FailoverLock }
  | { readonly action: 'release'; readonly lock: FailoverLock };

export interface LockRelease {
  readonly released: boolean;
  readonly releasedAt: string;
  readonly message: string;
}

export interface ConfirmOutageInput {
  readonly trigger: Trigger;
  /** The lock this execution holds: the other plan alarms that fired meanwhile are recorded on it. */
  readonly lock?: FailoverLock;
}

/** One alarm as Confirm Outage re-checked it. */
export interface AlarmCheck {
  readonly alarmName: string;
  readonly alarmRegion: string;
  readonly alarmState: 'ALARM' | 'OK' | 'INSUFFICIENT_DATA' | 'UNREACHABLE' | 'NOT_FOUND';
}

export interface Confirmation {
  readonly confirmed: boolean;
  /** The alarm's state at re-check, or UNREACHABLE when its region did not answer in time. */
  readonly alarmState: 'ALARM' | 'OK' | 'INSUFFICIENT_DATA' | 'UNREACHABLE' | 'NOT_CHECKED';
  readonly checkedAt: string;
  readonly message: string;
  /** Every alarm re-checked: the trigger's, then each plan alarm that fired while this execution held the lock. */
  readonly alarms?: readonly AlarmCheck[];
}

/** A caught error as Step Functions records it at a Catch's ResultPath. */
export interface CaughtFailure {
  readonly Error: string;
  /** For Lambda errors, a JSON string `{"errorType","errorMessage",...}`; otherwise text. */
  readonly Cause?: string;
}

/**
 * A person's answer to the approval request, as `failover approve|decline` sends it: the output of
 * SendTaskSuccess, or (declined) the `cause` of SendTaskFailure, as JSON.
 */
export interface ApprovalAnswer {
  readonly decision: Extract<ApprovalDecision, 'approved' | 'declined'>;
  readonly by: string;
  /** ISO 8601 UTC. */
  readonly at: string;
  readonly reason?: string;
}

/** Nobody answered in time: what "Approval Timed Out" records, with the plan's policy. */
export interface ApprovalTimeout {
  readonly decision: Extract<ApprovalDecision, 'timed-out'>;
  readonly onTimeout: 'proceed' | 'abort';
}

/**
 * `$.approval`: approved (the answer), timed out, or declined as the Catch recorded it
 * (`Error` ApprovalDeclined, `Cause` the answer as JSON).
 */
export type ApprovalOutcome = ApprovalAnswer | ApprovalTimeout | CaughtFailure;

/**
 * What one reversible kind's prewarm or undo branch ended with: its summary, or the error its
 * branch caught (state-machines/states.ts reversibleBranch).
 */
export type PrewarmResult =
  | KindSummary
  | {
      readonly kind: string;
      readonly action: 'prewarm' | 'unwarm';
      readonly done: false;
      readonly failure: CaughtFailure;
    };

/** What one fencing kind's branch of `Fence Old Region` ended with: its summary, or the error it caught. */
export type FenceResult =
  | KindSummary
  | {
      readonly kind: string;
      readonly action: 'fence';
      readonly done: false;
      readonly failure: CaughtFailure;
    };

/** The execution state as the notify step sees it: everything so far, some parts absent. */
export interface WorkflowState {
  readonly trigger?: Trigger;
  readonly decision?: string;
  readonly message?: string;
  readonly lock?: FailoverLock;
  readonly confirmation?: Confirmation;
  /** One summary per kind with a gate, once the gate passed. */
  readonly gate?: readonly KindSummary[];
  /** The manual approval's outcome (plans with `approval`, live runs). */
  readonly approval?: ApprovalOutcome;
  /** One summary per kind of the recover phase, once every one is done. */
  readonly recover?: readonly KindSummary[];
  /** One summary per kind of the route phase. */
  readonly route?: readonly KindSummary[];
  /** Plan `prewarm`, live runs: one result per reversible kind, or the Prewarm state's own failure. */
  readonly prewarm?: readonly PrewarmResult[];
  readonly prewarmFailure?: CaughtFailure;
  /** A run that ended without failing over undid the prewarm: one result per reversible kind. */
  readonly unwarm?: readonly PrewarmResult[];
  readonly unwarmFailure?: CaughtFailure;
  /** After Route (issue 10): one result per fencing kind, or the Fence Old Region state's own failure. */
  readonly fence?: readonly FenceResult[];
  readonly fenceFailure?: CaughtFailure;
  readonly failedStep?: string;
  readonly failure?: CaughtFailure;
  /** The STARTED message could not be sent; the failover went on. */
  readonly notifyStartedFailure?: CaughtFailure;
  /** Best effort: the lock is released after the final notification; a failure only lands here. */
  readonly lockRelease?: LockRelease;
  readonly lockReleaseFailure?: CaughtFailure;
}

export type { NotificationKind };

export interface NotifyInput {
  readonly kind: NotificationKind;
  /** `$$.Execution.Id`: names the failover record the notice reads. */
  readonly executionId: string;
  readonly state: WorkflowState;
  /** `approval` only: `$$.Task.Token` of the Task waiting for the answer. */
  readonly taskToken?: string;
}

export interface Notification {
  readonly kind: NotificationKind;
  readonly subject: string;
  readonly messageId: string | null;
  readonly topicArn: string;
  /**
   * sent: published now; already-sent: an earlier attempt of the step published it; unclaimed:
   * published without a claim in the failover record (the record could not be written). An
   * earlier attempt whose Publish never answered fails the step (NotificationUnconfirmedError).
   */
  readonly delivery?: 'sent' | 'already-sent' | 'unclaimed';
}
