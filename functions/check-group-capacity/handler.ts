import { stepHandler } from '../common/step-handler.js';
import { checkGroupCapacities } from './check-group-capacities.js';

export const handler = stepHandler('Check Group Capacities', checkGroupCapacities);
