import { deployedPlan } from '../common/config.js';
import { stepHandler } from '../common/step-handler.js';
import type { ValidateTriggerInput } from '../common/workflow-state.js';
import { validateTrigger } from './validate-trigger.js';

export const handler = stepHandler('Validate Trigger', async (input: ValidateTriggerInput) =>
  validateTrigger(input, deployedPlan()),
);
