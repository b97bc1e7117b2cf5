import { kindHandler } from '../kind-step.js';
import { elastiCacheGlobalRuntime } from './runtime.js';

export const handler = kindHandler(elastiCacheGlobalRuntime);
