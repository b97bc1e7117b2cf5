import { kindHandler } from '../kind-step.js';
import { redisSentinelRuntime } from './runtime.js';

export const handler = kindHandler(redisSentinelRuntime);
