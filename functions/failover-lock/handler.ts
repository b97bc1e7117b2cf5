import { stepHandler } from '../common/step-handler.js';
import { failoverLock } from './failover-lock.js';

export const handler = stepHandler('Failover Lock', failoverLock);
