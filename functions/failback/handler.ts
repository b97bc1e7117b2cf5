import { stepHandler } from '../common/step-handler.js';
import { failbackStep } from './failback-steps.js';

export const handler = stepHandler('Failback', failbackStep);
