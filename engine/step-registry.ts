import { handler as checkGroupCapacity } from '../functions/check-group-capacity/handler.js';
import { handler as checkPromotion } from '../functions/check-promotion/handler.js';
import { handler as confirmOutage } from '../functions/confirm-outage/handler.js';
import { handler as failoverLock } from '../functions/failover-lock/handler.js';
import { handler as notify } from '../functions/notify/handler.js';
import { handler as promoteReplica } from '../functions/promote-replica/handler.js';
import { handler as readReplicaLag } from '../functions/read-replica-lag/handler.js';
import { handler as repointParameters } from '../functions/repoint-parameters/handler.js';
import { handler as scaleGroup } from '../functions/scale-group/handler.js';
import { handler as validateTrigger } from '../functions/validate-trigger/handler.js';
import { WORKFLOW_STEPS, type SubstitutionVariable, type WorkflowStepId } from '../functions/common/steps.js';

/** A deployed Lambda handler as the local engine calls it. */
export type StepHandler = (event: never, context: never) => Promise<unknown>;

const HANDLERS: Readonly<Record<WorkflowStepId, StepHandler>> = {
  'validate-trigger': validateTrigger,
  'failover-lock': failoverLock,
  'confirm-outage': confirmOutage,
  'read-replica-lag': readReplicaLag,
  'promote-replica': promoteReplica,
  'check-promotion': checkPromotion,
  'scale-group': scaleGroup,
  'check-group-capacity': checkGroupCapacity,
  'repoint-parameters': repointParameters,
  notify,
};

/**
 * The ASL's `${...}` substitution variables and the handler each one names. CDK substitutes
 * the same variables (the same list: functions/common/steps.ts) with the ARNs of functions
 * built from the same handler files.
 */
export const STEP_HANDLERS = Object.fromEntries(
  WORKFLOW_STEPS.map((step) => [step.substitution, { step: step.id, handler: HANDLERS[step.id] }]),
) as Readonly<Record<SubstitutionVariable, { readonly step: WorkflowStepId; readonly handler: StepHandler }>>;

export type { SubstitutionVariable };
