import { deployedPlan } from '../common/config.js';
import { stepHandler } from '../common/step-handler.js';
import { parseStepInput, validateTriggerInputSchema } from '../common/step-inputs.js';
import { validateTrigger } from './validate-trigger.js';

export const handler = stepHandler('Validate Trigger', async (input: unknown) =>
  validateTrigger(parseStepInput(validateTriggerInputSchema, input), deployedPlan()),
);
