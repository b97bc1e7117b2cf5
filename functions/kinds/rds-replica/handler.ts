import { kindHandler } from '../kind-step.js';
import { rdsReplicaRuntime } from './runtime.js';

export const handler = kindHandler(rdsReplicaRuntime);
