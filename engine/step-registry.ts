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

/** A deployed Lambda handler as the local engine calls it. */
export type StepHandler = (event: never, context: never) => Promise<unknown>;

/**
 * The ASL's `${...}` substitution variables and the handler each one names. CDK substitutes
 * the same variables with the ARNs of functions built from the same handler files.
 */
export const STEP_HANDLERS = {
  ValidateTriggerFunctionArn: { step: 'validate-trigger', handler: validateTrigger },
  FailoverLockFunctionArn: { step: 'failover-lock', handler: failoverLock },
  ConfirmOutageFunctionArn: { step: 'confirm-outage', handler: confirmOutage },
  ReadReplicaLagFunctionArn: { step: 'read-replica-lag', handler: readReplicaLag },
  PromoteReplicaFunctionArn: { step: 'promote-replica', handler: promoteReplica },
  CheckPromotionFunctionArn: { step: 'check-promotion', handler: checkPromotion },
  ScaleGroupFunctionArn: { step: 'scale-group', handler: scaleGroup },
  CheckGroupCapacityFunctionArn: { step: 'check-group-capacity', handler: checkGroupCapacity },
  RepointParametersFunctionArn: { step: 'repoint-parameters', handler: repointParameters },
  NotifyFunctionArn: { step: 'notify', handler: notify },
} as const satisfies Record<string, { step: string; handler: StepHandler }>;

export type SubstitutionVariable = keyof typeof STEP_HANDLERS;
