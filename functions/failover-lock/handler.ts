import { stepHandler } from '../common/step-handler.js';
import { failoverLockInputSchema, parseStepInput } from '../common/step-inputs.js';
import type { FailoverLockInput } from '../common/workflow-state.js';
import { failoverLock } from './failover-lock.js';

export const handler = stepHandler('Failover Lock', (input: unknown) =>
  failoverLock(parseStepInput(failoverLockInputSchema, input) as FailoverLockInput),
);
