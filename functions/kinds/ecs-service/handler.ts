import { kindHandler } from '../kind-step.js';
import { ecsServiceRuntime } from './runtime.js';

export const handler = kindHandler(ecsServiceRuntime);
