/**
 * The workflow's Lambda steps, one list for CDK (infra/failover-steps.ts) and local replay
 * (engine/step-registry.ts): `id` is the folder under functions/ holding `handler.ts`,
 * `substitution` the `${...}` variable state-machines/failover.asl.json uses for the step's
 * function ARN, and `bakesPlan` marks the steps that read the deployed plan
 * (functions/common/config.ts `deployedPlan`), into whose bundles CDK compiles it.
 */
export const WORKFLOW_STEPS = [
  { id: 'validate-trigger', substitution: 'ValidateTriggerFunctionArn', bakesPlan: true },
  // The plan comes in the state input ("Acquire Lock" gets `$.plan`), never from deployedPlan().
  { id: 'failover-lock', substitution: 'FailoverLockFunctionArn', bakesPlan: false },
  { id: 'confirm-outage', substitution: 'ConfirmOutageFunctionArn', bakesPlan: false },
  { id: 'read-replica-lag', substitution: 'ReadReplicaLagFunctionArn', bakesPlan: false },
  { id: 'promote-replica', substitution: 'PromoteReplicaFunctionArn', bakesPlan: false },
  { id: 'check-promotion', substitution: 'CheckPromotionFunctionArn', bakesPlan: false },
  { id: 'scale-group', substitution: 'ScaleGroupFunctionArn', bakesPlan: false },
  { id: 'check-group-capacity', substitution: 'CheckGroupCapacityFunctionArn', bakesPlan: false },
  { id: 'repoint-parameters', substitution: 'RepointParametersFunctionArn', bakesPlan: false },
  { id: 'notify', substitution: 'NotifyFunctionArn', bakesPlan: true },
] as const;

export type WorkflowStep = (typeof WORKFLOW_STEPS)[number];
export type WorkflowStepId = WorkflowStep['id'];
export type SubstitutionVariable = WorkflowStep['substitution'];

/**
 * The function timeout every step is deployed with unless the construct's `stepTimeout` says
 * otherwise (infra/orchestrator-props.ts); local replay kills a step that runs longer, as
 * Lambda does.
 */
export const DEFAULT_STEP_TIMEOUT_SECONDS = 60;
