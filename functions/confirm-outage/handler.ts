import { stepHandler } from '../common/step-handler.js';
import { confirmOutage } from './confirm-outage.js';

export const handler = stepHandler('Confirm Outage', confirmOutage);
