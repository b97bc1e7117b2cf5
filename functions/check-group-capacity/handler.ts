import { stepHandler } from '../common/step-handler.js';
import { checkGroupCapacity } from './check-group-capacity.js';

export const handler = stepHandler('Check Group Capacity', checkGroupCapacity);
