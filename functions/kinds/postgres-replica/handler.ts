import { kindHandler } from '../kind-step.js';
import { postgresReplicaRuntime } from './runtime.js';

export const handler = kindHandler(postgresReplicaRuntime);
