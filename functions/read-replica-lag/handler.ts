import { stepHandler } from '../common/step-handler.js';
import { readReplicaLag } from './read-replica-lag.js';

export const handler = stepHandler('Read Replica Lag', readReplicaLag);
