import { stepHandler } from '../common/step-handler.js';
import { confirmOutageInputSchema, parseStepInput } from '../common/step-inputs.js';
import type { ConfirmOutageInput } from '../common/workflow-state.js';
import { confirmOutage } from './confirm-outage.js';

export const handler = stepHandler('Confirm Outage', (input: unknown) =>
  confirmOutage(parseStepInput(confirmOutageInputSchema, input) as ConfirmOutageInput),
);
