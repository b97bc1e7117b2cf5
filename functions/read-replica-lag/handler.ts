import { stepHandler } from '../common/step-handler.js';
import { readReplicaLags } from './read-replica-lags.js';

export const handler = stepHandler('Check Replica Lag', readReplicaLags);
