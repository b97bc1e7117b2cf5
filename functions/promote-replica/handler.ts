import { stepHandler } from '../common/step-handler.js';
import { promoteReplica } from './promote-replica.js';

export const handler = stepHandler('Promote Replica', promoteReplica);
