import { stepHandler } from '../common/step-handler.js';
import { notifyInputSchema, parseStepInput } from '../common/step-inputs.js';
import type { NotifyInput } from '../common/workflow-state.js';
import { notify } from './notify.js';

export const handler = stepHandler('Notify', (input: unknown) =>
  notify(parseStepInput(notifyInputSchema, input) as NotifyInput),
);
