/**
 * One vocabulary for the workflow: state names, Fail-state error names, decisions, outcomes and
 * notification kinds, shared by the workflow builder (state-machines/), the handlers, the local
 * engine and both report paths (replays and live histories). A test checks that every state name
 * of a built definition comes from here or from a kind's own `states`.
 */

/** How an execution ended, in every report, replay and notice. */
export const OUTCOMES = ['succeeded', 'ignored', 'duplicate', 'refused', 'aborted', 'failed'] as const;
export type Outcome = (typeof OUTCOMES)[number];

/** What Validate Trigger decided. */
export const TRIGGER_DECISIONS = { proceed: 'proceed', ignore: 'ignore' } as const;
export type TriggerDecision = (typeof TRIGGER_DECISIONS)[keyof typeof TRIGGER_DECISIONS];

/** What the one-failover-at-a-time guard decided. */
export const LOCK_DECISIONS = { acquired: 'acquired', duplicate: 'duplicate', refused: 'refused' } as const;
export type LockDecision = (typeof LOCK_DECISIONS)[keyof typeof LOCK_DECISIONS];

/** The Fail states' error names (the execution's `error` in AWS and in a replay). */
export const FAIL_ERRORS = { refused: 'FailoverRefused', aborted: 'FailoverAborted' } as const;

/**
 * The manual approval (plan `approval`): the error name `failover decline` sends with
 * SendTaskFailure (what the definition's Catch matches), and the decisions the state records.
 */
export const APPROVAL = {
  declinedError: 'ApprovalDeclined',
  decisions: { approved: 'approved', declined: 'declined', timedOut: 'timed-out' },
} as const;
export type ApprovalDecision = (typeof APPROVAL.decisions)[keyof typeof APPROVAL.decisions];

/** The workflow's direction; the builder takes it (failback builds on the same kinds). */
export const DIRECTIONS = ['failover', 'failback'] as const;
export type Direction = (typeof DIRECTIONS)[number];

/** `approval`: the request for a person's approval, sent while the workflow waits (not a final notice). */
export const NOTIFICATION_KINDS = ['started', 'succeeded', 'failed', 'aborted', 'approval'] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

/**
 * What a kind's Lambda is asked to do. `fence` (best effort: stop writers from reaching the old
 * primary), `prewarm` (start a reversible change while the outage is being confirmed) and `unwarm`
 * (undo a prewarm after an abort) are answered only by kinds whose runtime has them.
 */
export const KIND_ACTIONS = [
  'gate',
  'start',
  'check',
  'read-back',
  'fence',
  'prewarm',
  'unwarm',
  'reprotect',
] as const;
export type KindAction = (typeof KIND_ACTIONS)[number];

/** The phases of the workflow a kind takes part in. */
export const PHASES = { recover: 'recover', route: 'route' } as const;
export type Phase = (typeof PHASES)[keyof typeof PHASES];

/** The workflow's own states (a kind's states are named by the kind: see functions/kinds/). */
export const STATES = {
  validateTrigger: 'Validate Trigger',
  isEventForThisPlan: 'Is Event For This Plan?',
  eventIgnored: 'Event Ignored',
  acquireLock: 'Acquire Lock',
  lockAcquired: 'Lock Acquired?',
  duplicateIgnored: 'Duplicate Ignored',
  failoverRefused: 'Failover Refused',
  prewarmLiveRun: 'Prewarm Live Run?',
  prewarm: 'Prewarm',
  needsConfirmation: 'Needs Confirmation?',
  waitConfirmWindow: 'Wait Confirm Window',
  confirmOutage: 'Confirm Outage',
  outageConfirmed: 'Outage Confirmed?',
  anythingPrewarmed: 'Anything Prewarmed?',
  undoPrewarm: 'Undo Prewarm',
  abortedOrFailed: 'Aborted Or Failed?',
  notifyAborted: 'Notify Aborted',
  releaseLockAfterAbort: 'Release Lock After Abort',
  failoverAborted: 'Failover Aborted',
  recordFailoverStart: 'Record Failover Start',
  notifyStarted: 'Notify Started',
  selectStepInputs: 'Select Step Inputs',
  gate: 'Gate',
  needsApproval: 'Needs Approval?',
  requestApproval: 'Request Approval',
  approvalTimedOut: 'Approval Timed Out',
  recover: 'Recover',
  route: 'Route',
  waitForInFlightSteps: 'Wait For In-Flight Steps',
  readBack: 'Read Back',
  fenceOldRegion: 'Fence Old Region',
  notifySucceeded: 'Notify Succeeded',
  releaseLockAfterSuccess: 'Release Lock After Success',
  failoverSucceeded: 'Failover Succeeded',
  notifyFailed: 'Notify Failed',
  lockHeldAfterFailure: 'Lock Held After Failure?',
  releaseLockAfterFailure: 'Release Lock After Failure',
  failoverFailed: 'Failover Failed',
} as const;
export type WorkflowStateName = (typeof STATES)[keyof typeof STATES];

/** The Pass state that records which step failed: "<step> Failed". */
export const failedStateName = (step: string): string => `${step} Failed`;

/**
 * The read-back Parallel of the n-th changing phase (0-based): "Read Back", then "Read Back 2"
 * for the route phase, so that data is read back before what routes to it.
 */
export const readBackStateName = (phaseIndex: number): string =>
  phaseIndex === 0 ? STATES.readBack : `${STATES.readBack} ${phaseIndex + 1}`;
