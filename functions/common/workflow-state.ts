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

/** One item of the "Promote Replicas" Map's output. */
export interface PromotedDatabase {
  readonly id: string;
  readonly replica: string;
  readonly promotion: Promotion;
}

/** One item of the "Scale Recovery Groups" Map's output. */
export interface ScaledGroup {
  readonly name: string;
  readonly scaling: Scaling;
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
  readonly confirmation?: Confirmation;
  readonly lagGate?: { readonly databases: readonly LagCheck[] };
  readonly failover?: { readonly databases: readonly PromotedDatabase[]; readonly groups: readonly ScaledGroup[] };
  readonly repoint?: Repoint;
  readonly failedStep?: string;
  readonly failure?: CaughtFailure;
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
