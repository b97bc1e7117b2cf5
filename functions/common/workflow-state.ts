import type { DatabasePlan, Plan, ScalingGroupPlan } from './plan.js';

/**
 * The shapes that travel between the states of state-machines/failover.asl.json. Each step's
 * input is what the ASL's `Parameters` build; each output lands at the state's `ResultPath`.
 */

/** What started this execution, normalised from an alarm event or a drill request. */
export interface Trigger {
  readonly kind: 'alarm' | 'drill';
  /** The alarm that fired (alarm triggers only). */
  readonly alarmName?: string;
  readonly alarmRegion?: string;
  /** Alarm reason, or the drill's stated reason. */
  readonly reason: string;
  /** When the alarm entered ALARM (or the drill was requested), ISO 8601 UTC. RTO counts from here. */
  readonly triggeredAt: string;
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
  | { readonly decision: 'proceed'; readonly message: string; readonly plan: Plan; readonly trigger: Trigger }
  | { readonly decision: 'ignore'; readonly message: string };

/** What the one-failover-at-a-time guard decided for this execution. */
export type LockDecision = 'acquired' | 'duplicate' | 'refused';

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
      readonly plan: Plan;
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
}

export interface Confirmation {
  readonly confirmed: boolean;
  /** The alarm's state at re-check, or UNREACHABLE when its region did not answer in time. */
  readonly alarmState: 'ALARM' | 'OK' | 'INSUFFICIENT_DATA' | 'UNREACHABLE' | 'NOT_CHECKED';
  readonly checkedAt: string;
  readonly message: string;
}

export interface LagCheck {
  readonly checks: number;
  readonly firstCheckedAt?: string;
  readonly checkedAt?: string;
  readonly replica?: string;
  /** Latest ReplicaLag datapoint in seconds; null when the metric had no datapoint. */
  readonly lagSeconds?: number | null;
  readonly maxLagSeconds?: number;
  /** `wait` loops through a Wait state; `proceed` passes the gate. */
  readonly decision?: 'proceed' | 'wait';
  readonly waitSeconds?: number;
  /** Passed the gate with lag above the threshold because the policy is `promote`. */
  readonly promotedOverThreshold?: boolean;
  readonly message?: string;
}

export interface ReadReplicaLagInput {
  readonly database: DatabasePlan;
  readonly recoveryRegion: string;
  readonly previous: LagCheck;
}

/** "Check Replica Lag" gates every database of the plan in one invocation per look. */
export interface ReadReplicaLagsInput {
  readonly recoveryRegion: string;
  readonly databases: readonly DatabasePlan[];
  /** The previous look's checks (empty on the first), matched to databases by replica. */
  readonly previous: readonly LagCheck[];
}

export interface LagGate {
  /** Every database passed the gate (within threshold, standalone, or promote-anyway). */
  readonly done: boolean;
  /** Seconds until the next look, when not done. */
  readonly waitSeconds: number;
  /** One check per database, in plan order. */
  readonly databases: readonly LagCheck[];
}

export interface DatabaseEndpoint {
  readonly address: string;
  readonly port: number;
}

export interface Promotion {
  /** `waiting-to-promote`: not promotable yet (e.g. `backing-up`), try again after pollSeconds. */
  readonly status: 'waiting-to-promote' | 'promoting' | 'promoted';
  readonly instanceId: string;
  readonly instanceStatus: string;
  /** When the step first found the replica not promotable yet (bounds the wait). */
  readonly waitingSince?: string;
  /** When PromoteReadReplica was accepted (or the step first saw the instance standalone). */
  readonly startedAt?: string;
  readonly promotedAt?: string;
  readonly pollSeconds: number;
  readonly endpoint?: DatabaseEndpoint;
  /** The replica was already standalone when the step ran: nothing was called. */
  readonly alreadyPromoted?: boolean;
  readonly dryRun: boolean;
  readonly message: string;
}

export interface PromoteReplicaInput {
  readonly database: DatabasePlan;
  readonly recoveryRegion: string;
  readonly dryRun: boolean;
  /** The previous attempt's result; `{ status: 'not-started' }` on the first. */
  readonly previous: Promotion | { readonly status: 'not-started' };
}

export interface CheckPromotionInput {
  readonly database: DatabasePlan;
  readonly recoveryRegion: string;
  readonly promotion: Promotion;
}

export interface GroupCapacity {
  readonly min: number;
  readonly desired: number;
  readonly max: number;
}

export interface Scaling {
  readonly status: 'scaling' | 'ready';
  readonly groupName: string;
  readonly previous: GroupCapacity;
  readonly target: GroupCapacity;
  /** Instances InService and Healthy at the last look. */
  readonly inService: number;
  /** How many InService instances count as ready (minHealthyPercent of target desired). */
  readonly required: number;
  readonly startedAt: string;
  readonly readyAt?: string;
  readonly pollSeconds: number;
  readonly dryRun: boolean;
  readonly message: string;
}

export interface ScaleGroupInput {
  readonly group: ScalingGroupPlan;
  readonly recoveryRegion: string;
  readonly dryRun: boolean;
}

export interface CheckGroupCapacityInput {
  readonly group: ScalingGroupPlan;
  readonly recoveryRegion: string;
  readonly scaling: Scaling;
}

/** One database of the "Promote Replicas" branch's output: where its promotion stands. */
export interface PromotedDatabase {
  readonly id: string;
  readonly replica: string;
  readonly promotion: Promotion;
}

/** A database being polled by "Check Promotions": its plan entry comes along. */
export interface PromotionItem extends PromotedDatabase {
  readonly database: DatabasePlan;
}

/** One group of the "Scale Recovery Groups" branch's output. */
export interface ScaledGroup {
  readonly name: string;
  readonly scaling: Scaling;
}

/** A group being polled by "Check Group Capacities": its plan entry comes along. */
export interface ScalingItem extends ScaledGroup {
  readonly group: ScalingGroupPlan;
}

/**
 * "Check Promotions" polls every database of the plan in one invocation (one Lambda call and
 * three state transitions per poll, whatever the number of databases).
 */
export interface CheckPromotionsInput {
  readonly recoveryRegion: string;
  readonly databases: readonly PromotionItem[];
}

export interface PromotionsCheck {
  /** Echoed: this output is the whole state of the polling loop. */
  readonly recoveryRegion: string;
  /** Every database is promoted: standalone and available. */
  readonly done: boolean;
  readonly pollSeconds: number;
  readonly databases: readonly PromotionItem[];
}

/** "Check Group Capacities" polls every group of the plan in one invocation. */
export interface CheckGroupCapacitiesInput {
  readonly recoveryRegion: string;
  readonly groups: readonly ScalingItem[];
}

export interface GroupCapacitiesCheck {
  /** Echoed: this output is the whole state of the polling loop. */
  readonly recoveryRegion: string;
  /** Every group has enough InService instances. */
  readonly done: boolean;
  readonly pollSeconds: number;
  readonly groups: readonly ScalingItem[];
}

export interface RepointParametersInput {
  readonly plan: Plan;
  readonly databases: readonly PromotedDatabase[];
  readonly dryRun: boolean;
}

export interface RepointedParameter {
  readonly name: string;
  /** Value before the failover (null when the parameter did not exist): what failback restores. */
  readonly previousValue: string | null;
  readonly value: string;
  readonly changed: boolean;
}

export interface Repoint {
  readonly parameters: readonly RepointedParameter[];
  readonly repointedAt: string;
  readonly dryRun: boolean;
}

/** A caught error as Step Functions records it at a Catch's ResultPath. */
export interface CaughtFailure {
  readonly Error: string;
  /** For Lambda errors, a JSON string `{"errorType","errorMessage",...}`; otherwise text. */
  readonly Cause?: string;
}

/** The execution state as the notify step sees it: everything so far, some parts absent. */
export interface WorkflowState {
  readonly plan?: Plan;
  readonly trigger?: Trigger;
  readonly decision?: string;
  readonly message?: string;
  readonly lock?: FailoverLock;
  readonly confirmation?: Confirmation;
  readonly lagGate?: { readonly databases: readonly LagCheck[] };
  readonly failover?: {
    readonly databases: readonly PromotedDatabase[];
    readonly groups: readonly ScaledGroup[];
  };
  readonly repoint?: Repoint;
  readonly failedStep?: string;
  readonly failure?: CaughtFailure;
  /** The STARTED message could not be sent; the failover went on. */
  readonly notifyStartedFailure?: CaughtFailure;
  /** Best effort: the lock is released after the final notification; a failure only lands here. */
  readonly lockRelease?: LockRelease;
  readonly lockReleaseFailure?: CaughtFailure;
  readonly event?: unknown;
}

export type NotificationKind = 'started' | 'succeeded' | 'failed' | 'aborted';

export interface NotifyInput {
  readonly kind: NotificationKind;
  readonly state: WorkflowState;
}

export interface Notification {
  readonly kind: NotificationKind;
  readonly subject: string;
  readonly messageId: string | null;
  readonly topicArn: string;
}
